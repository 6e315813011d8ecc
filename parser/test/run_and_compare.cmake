# Runs EXE and fails unless its standard output equals the contents of EXPECTED.
execute_process(COMMAND ${EXE} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
file(READ ${EXPECTED} expected)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} exited with ${rc}")
endif()
if(NOT out STREQUAL expected)
  message(FATAL_ERROR "output differs from the README.\n--- README says:\n${expected}--- program printed:\n${out}")
endif()
