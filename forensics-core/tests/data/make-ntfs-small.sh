#!/usr/bin/env bash
# Builds ntfs-small.img.gz and ntfs-small.key.json beside this script: a 6 MiB
# NTFS volume (mkntfs, 4 KiB clusters) filled through an ntfs-3g FUSE mount.
#
# Content: nested directories, a resident tiny file, an empty file, a
# non-ASCII name, two alternate data streams, a fragmented file (written
# into the holes left by deleted fillers), LZNT1-compressed files (a
# directory with the compressed attribute set; one file mixes compressible
# text, incompressible bytes and a zero unit that ntfs-3g stores sparse), and
# deleted files whose MFT records keep their run lists.
#
# The key lists ground truth computed from the bytes written (never from a
# parser): path, size, sha256, deleted, and which files are compressed or
# fragmented. Needs root, /dev/fuse, mkntfs, ntfs-3g, python3, gzip.
# Contents are deterministic; image bytes are not (volume serial, times).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'mountpoint -q "$work/mnt" && umount "$work/mnt"; rm -rf "$work"' EXIT
img="$work/ntfs-small.img"
truncate -s 6M "$img"
mkntfs -F -q -c 4096 -s 512 -L small "$img" >/dev/null 2>&1
mkdir "$work/mnt"
ntfs-3g -o compression,streams_interface=xattr "$img" "$work/mnt"

python3 - "$work/mnt" "$work/key.json" <<'PY'
import hashlib, json, os, random, sys
root, key_path = sys.argv[1], sys.argv[2]
rng = random.Random(20261128)
files = []

def put(rel, data, **extra):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    files.append(dict(path="/" + rel, size=len(data), sha256=hashlib.sha256(data).hexdigest(), deleted=False, **extra))

def text(n, tag):
    lines, size = [], 0
    i = 0
    while size < n:
        line = f"{tag} line {i:06d}: the quick brown fox jumps over the lazy dog\n"
        lines.append(line); size += len(line); i += 1
    return "".join(lines).encode()[:n]

def noise(n):
    return bytes(rng.getrandbits(8) for _ in range(n))

put("Documents/Reports/summary.txt", text(9000, "summary"))
put("Documents/Reports/2024/q1.bin", noise(20000))
put("Documents/tiny.txt", b"resident!\n")
put("Documents/empty.txt", b"")
put("Documents/\u00dcberweisung_\u041e\u0442\u0447\u0451\u0442_\u5831\u544a.txt", "non-ASCII name \u00fc\u00f6\u00e4\n".encode())
put("Downloads/setup.exe", b"MZ" + noise(6000))
ads = b"[ZoneTransfer]\r\nZoneId=3\r\n"
os.setxattr(os.path.join(root, "Downloads/setup.exe"), "user.Zone.Identifier", ads)
files.append(dict(path="/Downloads/setup.exe:Zone.Identifier", size=len(ads), sha256=hashlib.sha256(ads).hexdigest(), deleted=False, ads=True))
hidden = text(5000, "hidden stream")
os.setxattr(os.path.join(root, "Documents/tiny.txt"), "user.hidden", hidden)
files.append(dict(path="/Documents/tiny.txt:hidden", size=len(hidden), sha256=hashlib.sha256(hidden).hexdigest(), deleted=False, ads=True))

# Fragmentation, part 1: fillers alternate with keepers; the file that will
# be fragmented is created empty now so that its MFT record exists before
# the volume is full.
for i in range(8):
    put(f"Temp/filler{i}.tmp", noise(8192))
    put(f"Temp/keep{i}.tmp", noise(4096))
open(os.path.join(root, "Temp/fragmented.dat"), "wb").close()
os.sync()

# Compression: files created in a directory with FILE_ATTRIBUTE_COMPRESSED.
os.makedirs(os.path.join(root, "Compressed"))
os.setxattr(os.path.join(root, "Compressed"), "system.ntfs_attrib_be", (0x800).to_bytes(4, "big"))
put("Compressed/log.txt", text(150000, "compressed log"), compressed=True)
mixed = text(70000, "mixed") + noise(65536) + bytes(65536) + text(12345, "tail")
put("Compressed/mixed.bin", mixed, compressed=True)
put("Compressed/small.txt", text(3000, "small"), compressed=True)

# Files deleted at the very end (nothing is written after that).
put("Documents/Reports/old_draft.txt", text(7000, "draft"))
put("Documents/secret.bin", noise(12000))
put("Compressed/gone.txt", text(40000, "deleted compressed"), compressed=True)
os.sync()

# Fragmentation, part 2: a zero-filled ballast takes all free space, the
# fillers are deleted, and the 60000-byte file has to go into their 8 KiB
# holes.
written = 0
with open(os.path.join(root, "ballast.bin"), "wb", buffering=0) as f:
    chunk = bytes(65536)
    while True:
        try:
            n = f.write(chunk)
        except OSError:
            break
        if not n:
            break
        written += n
os.sync()
size = os.path.getsize(os.path.join(root, "ballast.bin"))
files.append(dict(path="/ballast.bin", size=size, sha256=hashlib.sha256(bytes(size)).hexdigest(), deleted=False))
for i in range(8):
    os.remove(os.path.join(root, f"Temp/filler{i}.tmp"))
    files[:] = [f for f in files if f["path"] != f"/Temp/filler{i}.tmp"]
os.sync()
data = noise(60000)
with open(os.path.join(root, "Temp/fragmented.dat"), "wb") as f:
    f.write(data)
files.append(dict(path="/Temp/fragmented.dat", size=len(data), sha256=hashlib.sha256(data).hexdigest(), deleted=False, fragmented=True))
os.sync()

for rel in ["Documents/Reports/old_draft.txt", "Documents/secret.bin", "Compressed/gone.txt"]:
    os.remove(os.path.join(root, rel))
    for f in files:
        if f["path"] == "/" + rel:
            f["deleted"] = True
os.sync()
files.sort(key=lambda f: f["path"])
json.dump({"image": "ntfs-small.img", "cluster_size": 4096, "files": files}, open(key_path, "w"), indent=1, ensure_ascii=False)
PY
umount "$work/mnt"
gzip -9 -n -c "$img" > "$here/ntfs-small.img.gz"
cp "$work/key.json" "$here/ntfs-small.key.json"
echo "wrote $here/ntfs-small.img.gz and ntfs-small.key.json"
