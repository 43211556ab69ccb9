# Turns a data file into a C array so the binaries carry the shipped facts
# (municipality list, default indicator catalogue, Kolada's KPI table) and need no install path.
# Usage: cmake -DIN=file -DOUT=file.c -DNAME=symbol -P embed.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" nhex)
math(EXPR n "${nhex} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(WRITE "${OUT}"
  "/* Generated from ${NAME} at build time; do not edit. */\n"
  "#include <stddef.h>\n"
  "const unsigned char ${NAME}[] = {${body}0x00};\n"
  "const size_t ${NAME}_len = ${n};\n")
