#include <sse/parser.hpp>

#include <iostream>

int main() {
  for (const auto& o : sse::observe("event: ping\ndata: 1\n\n")) {
    if (o.kind == sse::observation_kind::event) std::cout << o.type << ": " << o.data << '\n';
  }
}
