#!/bin/sh
# The second link adds the symbol table after everything else; if any
# symbol before it moved, the table would name the wrong functions.
set -eu
stage1=$1 final=$2
before_ksymtab() {
	nm -n "$1" | awk '$3 == "__ksymtab_start" { exit } { print }'
}
a=$(before_ksymtab "$stage1")
b=$(before_ksymtab "$final")
if [ "$a" != "$b" ]; then
	echo "error: symbols moved between the two links of $final; check linker/veneer.ld" >&2
	exit 1
fi
