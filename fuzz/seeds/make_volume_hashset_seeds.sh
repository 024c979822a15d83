#!/bin/sh
# (Re)writes seeds/volume/ (the first 64 KiB of corpus MBR and GPT disks) and
# seeds/hashset/ (small lists in each text format and an .fhs body without
# its trailer; the fuzz target appends a correct one). Needs the workspace's
# `corpus` and `forensics` binaries: run `cargo build -p corpus -p forensics-cli`.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${CARGO_TARGET_DIR:-$here/../../target}/debug
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$here/volume" "$here/hashset"
for scenario in disk-mbr disk-gpt; do
    "$bin/corpus" generate "$scenario" --seed 1 --out "$work" >/dev/null
    head -c 65536 "$work/$scenario.raw" >"$here/volume/$scenario-head"
done

printf 'd41d8cd98f00b204e9800998ecf8427e  empty.txt\n900150983cd24fb0d6963f7d28e17f72  abc.txt\n' \
    >"$here/hashset/md5sum.txt"
printf 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 *empty.bin\n' \
    >"$here/hashset/sha256sum.txt"
cat >"$here/hashset/hashdeep.txt" <<'LIST'
%%%% HASHDEEP-1.0
%%%% size,md5,sha256,filename
## Invoked from: /home/examiner
0,d41d8cd98f00b204e9800998ecf8427e,e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855,/tmp/empty
LIST
"$bin/forensics" hashset import "$here/hashset/md5sum.txt" --out "$work/set.fhs" --name seed >/dev/null
size=$(wc -c <"$work/set.fhs")
head -c $((size - 32)) "$work/set.fhs" >"$here/hashset/set.fhs-body"
