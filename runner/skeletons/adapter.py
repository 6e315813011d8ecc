#!/usr/bin/env python3
"""An sse-conformance adapter skeleton for a Python library (runner/ADAPTERS.md): copy this file into
your repository and replace the stand-in parser below by your library. Python 3 standard library only.
Check it with:  sse-conformance run --impl 'python3 adapter.py' --expected-failures sse-baseline.txt
"""
import base64
import codecs
import json
import re
import sys

CAPABILITIES = {"events": True, "retry": True, "end": True}  # what your library can report


# ---- The stand-in for your library: a small parser of the standard's event stream format. ---------
class StandInParser:
    def __init__(self, last_event_id, report):
        self.report, self.last_event_id, self.id = report, last_event_id, last_event_id
        self.buffer, self.first, self.after_cr, self.data, self.type = "", True, False, "", ""

    def write(self, text):
        self.buffer += text
        if self.first and self.buffer:
            if self.buffer[0] == "\ufeff":
                self.buffer = self.buffer[1:]
            self.first = False  # one BOM, at the very start only
        while True:
            match = re.search(r"[\r\n]", self.buffer)
            if match is None:
                return
            at = match.start()
            skip = self.after_cr and at == 0 and self.buffer[0] == "\n"
            self.after_cr = self.buffer[at] == "\r"
            if not skip:
                self.line(self.buffer[:at])
            self.buffer = self.buffer[at + 1:]

    def line(self, text):
        if text == "":
            self.last_event_id = self.id
            if self.data:
                self.report({"kind": "event", "type": self.type or "message", "data": self.data[:-1],
                             "last_event_id": self.last_event_id})
            self.data = self.type = ""
            return
        if text.startswith(":"):
            return
        name, colon, value = text.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self.data += value + "\n"
        elif name == "event":
            self.type = value
        elif name == "id" and "\0" not in value:
            self.id = value
        elif name == "retry" and re.fullmatch(r"[0-9]+", value, re.ASCII):
            # Python refuses to convert more than 4300 digits; the protocol takes such a value as a string.
            self.report({"kind": "retry", "ms": int(value) if len(value) <= 4300 else value})


# ---- The adapter: one stream per reset. --------------------------------------------------------------
class Stream:
    def __init__(self, last_event_id):
        self.seen = []
        # Bytes become text as the Encoding standard says (one U+FFFD per maximal invalid sequence),
        # leaving a BOM to the parser: not 'utf-8-sig'.
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.parser = StandInParser(last_event_id, self.seen.append)

    def feed(self, data):
        self.parser.write(self.decoder.decode(data))  # ◀── YOUR LIBRARY'S FEED GOES HERE
        return self.take()

    def end(self):
        self.parser.write(self.decoder.decode(b"", final=True))
        self.seen.append({"kind": "end", "last_event_id": self.parser.last_event_id})
        return self.take()

    def take(self):
        out, self.seen[:] = list(self.seen), []
        return out


def main():
    def write(message):
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    write({"type": "hello", "protocol": 1, "name": "my-library", "version": "0.0.0", "capabilities": CAPABILITIES})
    stream = None
    for text in sys.stdin:
        message = json.loads(text)
        if message["type"] == "reset":
            stream = Stream(message.get("last_event_id", ""))
            write({"type": "ready"})
        elif message["type"] == "chunk":
            write({"type": "observed", "observations": stream.feed(base64.b64decode(message["data"]))})
        elif message["type"] == "end":
            write({"type": "observed", "observations": stream.end()})


if __name__ == "__main__":
    main()
