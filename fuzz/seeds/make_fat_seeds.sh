#!/bin/sh
# Builds the FAT fuzz seeds in seeds/fat/ with dosfstools and mtools:
# a small FAT12 volume with a long name, a subdirectory and a
# deleted file.
set -eu
cd "$(dirname "$0")/fat"
tmp=$(mktemp -d)
printf 'hello\n' > "$tmp/a.txt"
head -c 3000 /dev/zero | tr '\0' 'x' > "$tmp/Long file name.txt"
make() { # NAME KiB FAT-BITS
    rm -f "$1"
    mkfs.fat -C -F "$3" -s 1 -i 12345678 -n SEED "$1" "$2" > /dev/null
    MTOOLS_SKIP_CHECK=1 mmd -i "$1" ::/DIR
    MTOOLS_SKIP_CHECK=1 mcopy -i "$1" "$tmp/a.txt" ::/A.TXT
    MTOOLS_SKIP_CHECK=1 mcopy -i "$1" "$tmp/Long file name.txt" "::/DIR/Long file name.txt"
    MTOOLS_SKIP_CHECK=1 mcopy -i "$1" "$tmp/a.txt" ::/GONE.TXT
    MTOOLS_SKIP_CHECK=1 mdel -i "$1" ::/GONE.TXT
}
make fat12.img 64 12
rm -r "$tmp"
