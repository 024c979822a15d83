#!/usr/bin/env python3
"""Writes the seeds of the carve_* fuzz targets (Python standard library only).

carve_jpeg/corpus-seed5.jpg is not made here: it is the smallest complete JPEG
of `corpus generate carve-blob --seed 5 --size 2097152` (item C06, 7284 bytes),
cut out of the image at its key offset."""
import gzip, io, os, sqlite3, struct, tempfile, wave, zipfile, zlib

HERE = os.path.dirname(os.path.abspath(__file__))

def put(target, name, data):
    os.makedirs(os.path.join(HERE, target), exist_ok=True)
    with open(os.path.join(HERE, target, name), "wb") as f:
        f.write(data)

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(b"\x00\x10\x20\x00\x30\x40")) + chunk(b"IEND", b"")
put("carve_png", "2x2.png", png)
put("carve_gif", "1x1.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
pixels = b"\x00\x00\xff\x00\x00\xff\x00\x00"
bmp = b"BM" + struct.pack("<IHHI", 14 + 40 + len(pixels), 0, 0, 54) + struct.pack("<IiiHHIIiiII", 40, 2, 1, 1, 24, 0, len(pixels), 2835, 2835, 0, 0) + pixels
put("carve_image", "2x1.bmp", bmp)
entries = [(256, 3, 1, 1), (257, 3, 1, 1), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1), (273, 4, 1, 8 + 2 + 12 * 8 + 4), (277, 3, 1, 1), (279, 4, 1, 1)]
ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in entries) + struct.pack("<I", 0)
put("carve_image", "1x1.tif", b"II*\x00" + struct.pack("<I", 8) + ifd + b"\x80")
buf = io.BytesIO()
with wave.open(buf, "wb") as w:
    w.setnchannels(1); w.setsampwidth(1); w.setframerate(8000); w.writeframes(bytes(range(64)))
put("carve_media", "tone.wav", buf.getvalue())
frame = b"\xff\xfb\x90\x64" + bytes(413)
put("carve_media", "frames.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00" + frame * 5)
mp4 = struct.pack(">I", 20) + b"ftypisom" + struct.pack(">I", 512) + b"isom" + struct.pack(">I", 16) + b"moov" + struct.pack(">I", 8) + b"mvhd" + struct.pack(">I", 12) + b"mdat" + b"abcd"
put("carve_media", "tiny.mp4", mp4)
body = b"1 0 obj\n<< /Type /Catalog >>\nendobj\n"
pdf = b"%PDF-1.4\n" + body
xref = len(pdf)
pdf += b"xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
put("carve_pdf", "minimal.pdf", pdf)
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("a.txt", "evidence " * 20, compress_type=zipfile.ZIP_DEFLATED)
    z.writestr("b.bin", bytes(range(50)))
put("carve_zip", "two.zip", buf.getvalue())
put("carve_archive", "text.gz", gzip.compress(b"evidence " * 50, mtime=0))
start = struct.pack("<QQI", 0, 1, zlib.crc32(b"\x00"))
put("carve_archive", "empty.7z", b"7z\xbc\xaf\x27\x1c\x00\x04" + struct.pack("<I", zlib.crc32(start)) + start + b"\x00")
def rar4_block(kind, flags, extra=b""):
    head = struct.pack("<BHH", kind, flags, 7 + len(extra)) + extra
    return struct.pack("<H", zlib.crc32(head) & 0xFFFF) + head
put("carve_archive", "empty.rar", b"Rar!\x1a\x07\x00" + rar4_block(0x73, 0, b"\x00" * 6) + rar4_block(0x7B, 0))
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "t.db")
    con = sqlite3.connect(path)
    con.execute("create table t(a, b)")
    con.executemany("insert into t values (?, ?)", [(i, "x" * 30) for i in range(50)])
    con.commit(); con.close()
    put("carve_sqlite", "table.sqlite", open(path, "rb").read())
pe = bytearray(1024)
pe[0:2] = b"MZ"; pe[0x3C:0x40] = struct.pack("<I", 0x40); pe[0x40:0x44] = b"PE\x00\x00"
pe[0x44:0x58] = struct.pack("<HHIIIHH", 0x14C, 1, 0, 0, 0, 224, 0x102)
pe[0x58:0x5A] = struct.pack("<H", 0x10B); pe[0x58 + 60:0x58 + 64] = struct.pack("<I", 512)
sec = 0x58 + 224
pe[sec:sec + 8] = b".text\x00\x00\x00"; pe[sec + 16:sec + 24] = struct.pack("<II", 512, 512)
put("carve_exec", "tiny.exe", bytes(pe))
elf = bytearray(64 + 56)
elf[0:16] = b"\x7fELF\x02\x01\x01" + bytes(9)
elf[16:64] = struct.pack("<HHIQQQIHHHHHH", 2, 0x3E, 1, 0x400000, 64, 0, 0, 64, 56, 1, 64, 0, 0)
elf[64:120] = struct.pack("<IIQQQQQQ", 1, 5, 0, 0x400000, 0x400000, 120, 120, 0x1000)
put("carve_exec", "tiny.elf", bytes(elf))
ole = bytearray(512 * 3)
ole[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ole[24:34] = struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
ole[44:76] = struct.pack("<IIIIIIII", 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
ole[76:512] = struct.pack("<I", 0) + b"\xff" * 432
ole[512:524] = struct.pack("<III", 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFF) ; ole[524:1024] = b"\xff" * 500
name = "Root Entry".encode("utf-16-le")
ole[1024:1024 + len(name)] = name; ole[1024 + 64:1024 + 67] = struct.pack("<HB", len(name) + 2, 5)
put("carve_ole2", "root.ole", bytes(ole))
evtx = bytearray(4096 + 65536)
evtx[0:8] = b"ElfFile\x00"
evtx[32:44] = struct.pack("<IHHHH", 128, 1, 3, 4096, 1)
evtx[124:128] = struct.pack("<I", zlib.crc32(bytes(evtx[0:120])))
evtx[4096:4104] = b"ElfChnk\x00"
put("carve_windows", "one-chunk.evtx", bytes(evtx))
regf = bytearray(8192)
regf[0:4] = b"regf"; regf[20:24] = struct.pack("<I", 1); regf[24:28] = struct.pack("<I", 5); regf[40:44] = struct.pack("<I", 4096)
x = 0
for i in range(127):
    x ^= struct.unpack_from("<I", regf, 4 * i)[0]
regf[508:512] = struct.pack("<I", x)
regf[4096:4108] = b"hbin" + struct.pack("<II", 0, 4096)
put("carve_windows", "empty.hive", bytes(regf))
mail = b"Return-Path: <a@example.org>\r\nFrom: A <a@example.org>\r\nTo: b@example.org\r\nSubject: seized\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\n\r\nBody text.\r\n"
put("carve_email", "one.eml", mail)
put("carve_email", "two.mbox", b"From a@example.org Mon Mar  2 10:00:00 2026\n" + mail.replace(b"\r\n", b"\n") + b"\nFrom b@example.org Tue Mar  3 10:00:00 2026\n" + mail.replace(b"\r\n", b"\n"))
