#!/usr/bin/env python3
"""Writes the small seed inputs of the fuzz targets into seeds/<target>/.

Run from fuzz/: python3 seeds/make_seeds.py. The seeds are valid files of
each format (so the fuzzer starts past the signature checks) plus a few names
for the split-naming target.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
PAGE = 4096


def write(target, name, data):
    os.makedirs(os.path.join(HERE, target), exist_ok=True)
    with open(os.path.join(HERE, target, name), "wb") as f:
        f.write(data)


def lime_range(start, data):
    header = struct.pack("<IIQQ8x", 0x4C694D45, 1, start, start + len(data) - 1)
    return header + data


def page(frame):
    return bytes((frame * 7 + i * 13 + 1) & 0xFF for i in range(PAGE))


def dump_header(bits64, dump_type, runs):
    size = 0x2000 if bits64 else 0x1000
    header = bytearray(b"PAGE" * (size // 4))

    def put(offset, data):
        header[offset:offset + len(data)] = data

    put(0, b"PAGEDU64" if bits64 else b"PAGEDUMP")
    put(0x08, struct.pack("<II", 15, 19041))
    pages = sum(count for _, count in runs)
    if bits64:
        put(0x10, struct.pack("<Q", 0x1AB000))
        put(0x30, struct.pack("<III", 0x8664, 4, 0xE2))
        if dump_type == 1:
            put(0x88, struct.pack("<IIQ", len(runs), 0, pages))
            for i, (base, count) in enumerate(runs):
                put(0x98 + 16 * i, struct.pack("<QQ", base, count))
        put(0xF98, struct.pack("<I", dump_type))
    else:
        put(0x10, struct.pack("<I", 0x185000))
        put(0x20, struct.pack("<III", 0x14C, 2, 0xE2))
        if dump_type == 1:
            put(0x64, struct.pack("<II", len(runs), pages))
            for i, (base, count) in enumerate(runs):
                put(0x6C + 8 * i, struct.pack("<II", base, count))
        put(0xF88, struct.pack("<I", dump_type))
    return bytes(header)


def full_dump(bits64, runs):
    data = dump_header(bits64, 1, runs)
    for base, count in runs:
        for frame in range(base, base + count):
            data += page(frame)
    return data


def bitmap_dump(signature, frames, present):
    data = bytearray(dump_header(True, 5 if signature == b"FDMP" else 6, []))
    bitmap_len = (frames + 7) // 8
    first_page = -(-(0x2000 + 0x38 + bitmap_len) // PAGE) * PAGE
    data += signature + b"DUMP" + bytes(0x18)
    data += struct.pack("<QQQ", first_page, len(present), frames)
    bitmap = bytearray(bitmap_len)
    for frame in present:
        bitmap[frame // 8] |= 1 << (frame % 8)
    data += bitmap
    data += bytes(first_page - len(data))
    for frame in present:
        data += page(frame)
    return bytes(data)


write("lime", "two_ranges.lime", lime_range(0x1000, bytes(range(64))) + lime_range(0x3000, b"\xab" * 32))
write("lime", "one_byte.lime", lime_range(0, b"\x07"))
write("crashdump", "full64.dmp", full_dump(True, [(1, 1), (4, 1)]))
write("crashdump", "full32.dmp", full_dump(False, [(0, 1), (3, 1)]))
write("crashdump", "bitmap_kernel.dmp", bitmap_dump(b"SDMP", 64, [1, 2, 9]))
write("crashdump", "bitmap_full.dmp", bitmap_dump(b"FDMP", 16, [0, 15]))
for name in ["disk.001", "disk.000", "image.raw.aa", "x.aaa", "evidence.0001", "a.b.c.001"]:
    write("split_naming", name.replace(".", "_"), name.encode())
