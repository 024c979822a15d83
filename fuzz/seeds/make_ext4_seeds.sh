#!/usr/bin/env bash
# Writes tiny ext2/ext4 images (64 KiB) as seeds of the `ext4` fuzz target:
# a few files, a directory, a fast symlink, a deleted file; one ext4 with
# extents, one with inline data, one ext2 with block pointers.
# Needs mke2fs and debugfs (e2fsprogs). Usage: make_ext4_seeds.sh [OUTDIR]
set -euo pipefail
OUT="$(cd "${1:-$(dirname "$0")/ext4}" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export E2FSPROGS_FAKE_TIME=1672531200
mkdir -p "$WORK/src/dir"
printf 'hello\n' > "$WORK/src/a.txt"
head -c 3000 /dev/zero | tr '\0' 'x' > "$WORK/src/dir/b.txt"
printf 'gone soon\n' > "$WORK/src/dir/c.txt"
ln -s a.txt "$WORK/src/link"
make() { # make NAME MKE2FS-OPTIONS...
    local name=$1; shift
    truncate -s 64K "$OUT/$name"
    mke2fs -q -F -b 1024 -N 16 -U 0b5e6f1c-2a3d-4e5f-8a9b-0c1d2e3f4a5b "$@" -d "$WORK/src" "$OUT/$name" 64
    debugfs -w -R "rm /dir/c.txt" "$OUT/$name" >/dev/null 2>&1
}
make ext4-extents.img -t ext4 -O ^has_journal,^resize_inode
make ext4-inline.img -t ext4 -O ^has_journal,^resize_inode,inline_data -I 256
make ext2-blocks.img -t ext2 -O ^resize_inode
