#!/usr/bin/env bash
# Builds the small ext2/3/4 test images of forensics-core's ext4 tests and
# their answer keys, with e2fsprogs (mke2fs -d, e2fsck -D, debugfs):
#
#   ext4-small.img.gz   ext4, 1 KiB blocks: nested dirs, a non-ASCII name, an
#                       empty dir, fast and slow symlinks, a sparse file, a
#                       fragmented file and a punched file (both with depth-1
#                       extent trees), an htree directory (e2fsck -D), files
#                       deleted with `debugfs rm` (one inside the htree, one
#                       inside a directory that was then removed).
#   ext4-inline.img.gz  ext4 with inline_data: small files and directories
#                       stored in the inode (i_block + system.data).
#   ext3-small.img.gz   ext3 (no extents): direct, single- and double-indirect
#                       block maps, a sparse file, a deleted file.
#
# Each image has NAME.key.json: for every file the path, inode number,
# kind, size, sha256 of the bytes that were written (for deleted files, the
# bytes before deletion: nothing is written after the deletions), the deleted
# flag and the four times as debugfs reports them (Unix seconds + nanoseconds).
#
# Usage: make-ext4-small.sh [OUTDIR]   (default: the directory of this script)
# Needs: mke2fs, e2fsck, debugfs (e2fsprogs >= 1.43), python3, gzip.
set -euo pipefail

OUT="$(cd "${1:-$(dirname "$0")}" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export E2FSPROGS_FAKE_TIME=1672531200   # 2023-01-01T00:00:00Z: mkfs times
UUID=0b5e6f1c-2a3d-4e5f-8a9b-0c1d2e3f4a5b
HASH_SEED=6f1c0b5e-3d2a-5f4e-9b8a-1d0c3f2e5b4a

# Deterministic content: pseudo-random bytes from a seed, fixed mtimes/atimes.
content() { # content SEED LENGTH FILE
    python3 -c 'import random,sys; r=random.Random(int(sys.argv[1])); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[2]))))' "$1" "$2" > "$3"
}
lines() { # lines PREFIX LENGTH FILE: compressible numbered text lines
    python3 -c 'import sys; t="".join(f"{sys.argv[1]} line {i:07d}\\n" for i in range(int(sys.argv[2]) // 10)); sys.stdout.write(t[:int(sys.argv[2])])' "$1" "$2" > "$3"
}
stamp() { # stamp FILE MTIME ATIME
    python3 -c 'import os,sys; os.utime(sys.argv[1], (int(sys.argv[3]), int(sys.argv[2])), follow_symlinks=False)' "$1" "$2" "$3"
}

# ---------------------------------------------------------------- ext4-small
S="$WORK/ext4-small"
mkdir -p "$S/docs" "$S/empty_dir" "$S/links" "$S/big" "$S/frag" "$S/old_project"
printf 'ext4 test image for forensics-core\n' > "$S/README.txt"
content 1 3000 "$S/docs/report.txt"
printf 'Καλημέρα, résumé\n' > "$S/docs/résumé_Ελλάδα.txt"
content 2 5000 "$S/docs/deleted_note.txt"
content 3 2100 "$S/old_project/plan.txt"
lines filler 40960 "$S/frag/filler"
for i in $(seq -w 0 119); do printf 'entry %s\n' "$i" > "$S/big/entry_$i.txt"; done
ln -s ../docs/report.txt "$S/links/fast"
ln -s "../docs/$(printf 'a%.0s' $(seq 1 90))/target.txt" "$S/links/slow"
python3 - "$S/sparse.bin" <<'EOF'
import sys
with open(sys.argv[1], "wb") as f:
    f.write(b"head" * 256)          # block 0
    f.seek(20 * 1024); f.write(b"middle" * 100)
    f.truncate(64 * 1024)           # hole at the end
EOF
n=0
for f in $(cd "$S" && find . -type f | sort); do
    n=$((n + 1)); stamp "$S/$f" $((1600000000 + n * 86400)) $((1600000000 + n * 86400 + 3600))
done
lines fragmented 20000 "$WORK/fragmented.bin"

mke2fs -q -F -t ext4 -b 1024 -I 256 -U "$UUID" -E hash_seed="$HASH_SEED" \
    -L EXT4_SMALL -d "$S" "$WORK/ext4-small.img" 4096
e2fsck -fyD "$WORK/ext4-small.img" >/dev/null || [ $? -le 1 ]
{
    for i in $(seq 0 2 38); do echo "punch /frag/filler $i $i"; done
    echo "write $WORK/fragmented.bin /frag/fragmented.bin"
} > "$WORK/frag.cmds"
debugfs -w -f "$WORK/frag.cmds" "$WORK/ext4-small.img" >/dev/null 2>&1
python3 - "$S/frag/filler" "$WORK/filler.punched" <<'EOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
for block in range(0, 39, 2):
    data[block * 1024:(block + 1) * 1024] = bytes(1024)
open(sys.argv[2], "wb").write(data)
EOF

# ---------------------------------------------------------------- ext4-inline
I="$WORK/ext4-inline"
mkdir -p "$I/dir_inline" "$I/dir_big"
printf 'tiny\n' > "$I/tiny.txt"
content 6 100 "$I/in_xattr.bin"            # > 60 bytes: i_block + system.data
content 7 3000 "$I/blocks.bin"            # too big for the inode: extents
printf 'hello inline dir\n' > "$I/dir_inline/a.txt"
for i in $(seq -w 0 29); do printf '%s\n' "$i" > "$I/dir_big/file_with_a_long_name_$i.txt"; done
n=0
for f in $(cd "$I" && find . -type f | sort); do
    n=$((n + 1)); stamp "$I/$f" $((1500000000 + n * 86400)) $((1500000000 + n * 86400 + 60))
done
mke2fs -q -F -t ext4 -O inline_data -b 1024 -I 256 -U "$UUID" -E hash_seed="$HASH_SEED" \
    -L EXT4_INLINE -d "$I" "$WORK/ext4-inline.img" 2048

# ---------------------------------------------------------------- ext3-small
T="$WORK/ext3-small"
mkdir -p "$T/data"
content 8 5000 "$T/data/direct.bin"          # 5 blocks: direct pointers only
lines single 100000 "$T/data/single.bin"        # 98 blocks: single indirect
lines double 300000 "$T/data/double.bin"       # 293 blocks: double indirect
content 11 4000 "$T/data/removed.bin"
python3 - "$T/data/sparse.bin" <<'EOF'
import sys
with open(sys.argv[1], "wb") as f:
    f.write(b"start" * 200)
    f.seek(200 * 1024); f.write(b"far" * 300)   # past the single-indirect range
EOF
n=0
for f in $(cd "$T" && find . -type f | sort); do
    n=$((n + 1)); stamp "$T/$f" $((1400000000 + n * 86400)) $((1400000000 + n * 86400 + 60))
done
mke2fs -q -F -t ext3 -b 1024 -I 256 -U "$UUID" -L EXT3_SMALL -d "$T" "$WORK/ext3-small.img" 2048

# ------------------------------------------------- inode numbers, deletions, keys
python3 - "$WORK" "$OUT" <<'EOF'
import hashlib, json, os, re, subprocess, sys
work, out = sys.argv[1], sys.argv[2]

def debugfs(image, request):
    return subprocess.run(["debugfs", "-R", request, image], capture_output=True, text=True).stdout

def stat(image, target):
    text = debugfs(image, f"stat {target}")
    number = int(re.search(r"Inode: (\d+)", text).group(1))
    size = int(re.search(r"Size: (\d+)", text).group(1))
    times = {}
    for name, field in [("ctime", "changed"), ("atime", "accessed"), ("mtime", "modified"), ("crtime", "created")]:
        m = re.search(rf"\b{name}: 0x([0-9a-f]+):([0-9a-f]+)", text)
        if m:
            seconds, extra = int(m.group(1), 16), int(m.group(2), 16)
            if seconds >= 2**31:
                seconds -= 2**32
            seconds += (extra & 3) << 32
            times[field] = {"seconds": seconds, "nanos": extra >> 2}
        else:
            m = re.search(rf"\b{name}: 0x([0-9a-f]+) ", text)
            times[field] = {"seconds": int(m.group(1), 16), "nanos": 0} if m else None
    kind = re.search(r"Type: (\w+)", text).group(1)
    kind = {"regular": "file", "directory": "directory", "symlink": "symlink"}.get(kind, "other")
    return number, size, kind, times

def walk_source(root):
    paths = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            paths.append("/" + os.path.relpath(full, root))
    return sorted(paths)

def build(name, source, extra_files, deletions, overrides):
    image = os.path.join(work, name + ".img")
    entries = {}
    for path in walk_source(source) + ["/lost+found"] + [p for p, _ in extra_files]:
        local = dict(extra_files).get(path, os.path.join(source, path.lstrip("/")))
        entry = {"path": path, "deleted": False}
        if os.path.islink(local):
            entry["target"] = os.readlink(local)
        elif os.path.isfile(local):
            data = open(overrides.get(path, local), "rb").read()
            entry["sha256"] = hashlib.sha256(data).hexdigest()
        number, size, kind, times = stat(image, path)
        entry.update(inode=number, size=size, kind=kind, times=times)
        entries[path] = entry
    if deletions:
        subprocess.run(["debugfs", "-w", "-f", "-", image], input="\n".join(deletions) + "\n",
                       capture_output=True, text=True, check=True)
    for command in deletions:
        target = command.split()[1]
        for path, entry in entries.items():
            if path == target or path.startswith(target + "/"):
                entry["deleted"] = True
                # debugfs rm stamps dtime and may touch ctime: re-read the times.
                entry["times"] = stat(image, f"<{entry['inode']}>")[3]
    key = {"image": name + ".img", "made_by": "make-ext4-small.sh (mke2fs -d, e2fsck -fD, debugfs)",
           "files": sorted(entries.values(), key=lambda e: e["path"])}
    files = ",\n  ".join(json.dumps(e, ensure_ascii=False) for e in key.pop("files"))
    with open(os.path.join(out, name + ".key.json"), "w") as f:
        f.write(json.dumps(key, ensure_ascii=False)[:-1] + ', "files": [\n  ' + files + "\n]}\n")
    subprocess.run(f"gzip -9n -c '{image}' > '{os.path.join(out, name + '.img.gz')}'", shell=True, check=True)

build("ext4-small", os.path.join(work, "ext4-small"),
      [("/frag/fragmented.bin", os.path.join(work, "fragmented.bin"))],
      ["rm /docs/deleted_note.txt", "rm /big/entry_050.txt", "rm /old_project/plan.txt", "rmdir /old_project"],
      {"/frag/filler": os.path.join(work, "filler.punched")})
build("ext4-inline", os.path.join(work, "ext4-inline"), [], [], {})
build("ext3-small", os.path.join(work, "ext3-small"), [], ["rm /data/removed.bin"], {})
EOF
echo "wrote $OUT/{ext4-small,ext4-inline,ext3-small}.{img.gz,key.json}"
