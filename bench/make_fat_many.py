#!/usr/bin/env python3
"""Writes a FAT32 image with many small files for listing benchmarks.

Usage: bench/make_fat_many.py OUT.raw [--dirs 100] [--files-per-dir 1000]

Layout: 512-byte sectors and clusters, 32 reserved sectors, two FATs, root
directory at cluster 2. Each directory `Folder NNN` holds files named
`Document NNN-IIII.txt` (long names, two LFN slots each, short names
`FIIIIIII.TXT`) of one cluster each. A tenth of the files are deleted (0xE5,
chain cleared), like the corpus images. Deterministic: same arguments, same
bytes. (corpus's FAT writer caps directory sizes, and mtools takes very long
for thousands of long names, hence this script.)
"""
import argparse
import struct

SECTOR = 512
RESERVED = 32
EOC = 0x0FFFFFFF


def checksum(short):
    s = 0
    for c in short:
        s = (((s & 1) << 7) + (s >> 1) + c) & 0xFF
    return s


def lfn_slots(name, short):
    units = list(name.encode("utf-16-le"))
    units = [units[i] | units[i + 1] << 8 for i in range(0, len(units), 2)] + [0]
    while len(units) % 13:
        units.append(0xFFFF)
    count = len(units) // 13
    chk = checksum(short)
    slots = []
    for index in reversed(range(count)):
        part = units[index * 13:index * 13 + 13]
        seq = (index + 1) | (0x40 if index + 1 == count else 0)
        slot = bytes([seq]) + struct.pack("<5H", *part[:5]) + bytes([0x0F, 0, chk])
        slot += struct.pack("<6H", *part[5:11]) + b"\0\0" + struct.pack("<2H", *part[11:13])
        slots.append(slot)
    return slots


def short_entry(short, attr, cluster, size):
    date = (44 << 9) | (3 << 5) | 14  # 2024-03-14
    time = (9 << 11) | (26 << 5) | 26
    return short + struct.pack("<BBBHHHHHHHI", attr, 0, 0, time, date, date,
                               cluster >> 16, time, date, cluster & 0xFFFF, size)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--dirs", type=int, default=100)
    ap.add_argument("--files-per-dir", type=int, default=1000)
    a = ap.parse_args()

    files = a.dirs * a.files_per_dir
    # clusters: one per file, directories at 3 slots per file, root.
    dir_clusters = a.dirs * ((a.files_per_dir * 3 + 2) * 32 // SECTOR + 1) + (a.dirs * 2 * 32) // SECTOR + 1
    clusters = max(files + dir_clusters + 1024, 70000)
    fat_sectors = ((clusters + 2) * 4 + SECTOR - 1) // SECTOR
    total = RESERVED + 2 * fat_sectors + clusters
    image = bytearray(total * SECTOR)
    fat = [0] * (clusters + 2)
    fat[0], fat[1] = 0x0FFFFFF8, EOC
    next_free = [2]

    def allocate(count):
        first = next_free[0]
        for c in range(first, first + count - 1):
            fat[c] = c + 1
        fat[first + count - 1] = EOC
        next_free[0] += count
        return first

    def offset(cluster):
        return (RESERVED + 2 * fat_sectors + cluster - 2) * SECTOR

    def write_dir(first, entries):
        data = b"".join(entries)
        image[offset(first):offset(first) + len(data)] = data

    root_entries = [short_entry(b"BENCH      ", 0x08, 0, 0)]
    root_clusters = (a.dirs * 2 + 1) * 32 // SECTOR + 1
    root = allocate(root_clusters)
    for d in range(a.dirs):
        name = f"Folder {d:03d}"
        short = f"DIR{d:05d}".encode() + b"   "
        size = (a.files_per_dir * 3 + 2) * 32
        first = allocate(size // SECTOR + 1)
        root_entries += lfn_slots(name, short) + [short_entry(short, 0x10, first, 0)]
        entries = [short_entry(b".          ", 0x10, first, 0), short_entry(b"..         ", 0x10, 0, 0)]
        for i in range(a.files_per_dir):
            long = f"Document {d:03d}-{i:04d}.txt"
            short = f"F{i:07d}TXT".encode()
            content = (f"file {d} {i}\n" * 4).encode()
            cluster = allocate(1)
            image[offset(cluster):offset(cluster) + len(content)] = content
            slots = lfn_slots(long, short) + [short_entry(short, 0x20, cluster, len(content))]
            if i % 10 == 7:
                fat[cluster] = 0
                slots = [b"\xE5" + s[1:] for s in slots]
            entries += slots
        write_dir(first, entries)
    write_dir(root, root_entries)

    boot = bytearray(SECTOR)
    boot[0:3] = b"\xEB\x58\x90"
    boot[3:11] = b"BENCHFAT"
    struct.pack_into("<HBHBHHBHHHII", boot, 11, SECTOR, 1, RESERVED, 2, 0, 0, 0xF8, 0, 32, 64, 0, total)
    struct.pack_into("<IHHIHH", boot, 36, fat_sectors, 0, 0, root, 1, 6)
    boot[64] = 0x80
    boot[66] = 0x29
    struct.pack_into("<I", boot, 67, 0x12345678)
    boot[71:82] = b"BENCH      "
    boot[82:90] = b"FAT32   "
    boot[510:512] = b"\x55\xAA"
    image[0:SECTOR] = boot
    image[6 * SECTOR:7 * SECTOR] = boot
    table = struct.pack(f"<{len(fat)}I", *fat)
    for copy in range(2):
        start = (RESERVED + copy * fat_sectors) * SECTOR
        image[start:start + len(table)] = table
    with open(a.out, "wb") as f:
        f.write(image)
    print(f"{a.out}: {len(image)} bytes, {files} files in {a.dirs} directories, {clusters} clusters")


if __name__ == "__main__":
    main()
