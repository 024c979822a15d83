#!/usr/bin/env bash
# Builds an NTFS volume with many small files for the file-listing benchmark:
#   bench/make-ntfs-many.sh OUT.img [FILES]   (default 100000 files)
# mkntfs, then an ntfs-3g FUSE mount (needs root and /dev/fuse); files go
# into 500 directories under /data, 1 in 10 files gets a second 4 KiB
# (non-resident) part, 1 in 50 is deleted again.
set -euo pipefail
out="$1"
count="${2:-100000}"
mnt="$(mktemp -d)"
trap 'mountpoint -q "$mnt" && umount "$mnt"; rmdir "$mnt"' EXIT
rm -f "$out"
truncate -s 1G "$out"
mkntfs -F -q -f -c 4096 -s 512 -L many "$out" >/dev/null 2>&1
ntfs-3g -o big_writes "$out" "$mnt"
python3 - "$mnt" "$count" <<'PY'
import os, sys
root, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    d = os.path.join(root, "data", f"dir{i % 500:03d}")
    if i < 500:
        os.makedirs(d, exist_ok=True)
    body = (f"file {i} " * 8).encode()
    if i % 10 == 0:
        body += bytes(4096)
    p = os.path.join(d, f"file{i:06d}.txt")
    with open(p, "wb") as f:
        f.write(body)
    if i % 50 == 49:
        os.remove(p)
PY
umount "$mnt"
echo "wrote $out ($count files, 1 in 50 deleted)"
