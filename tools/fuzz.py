#!/usr/bin/env python3
"""Fuzz the pipeline: mutated and truncated copies of PDFs, plus a flate bomb and a glyph
bomb, through one `pipeline run`; prints how each kind of file was recorded, crashes,
and the peak memory of the run's processes.

usage: python tools/fuzz.py PDF_DIR WORK_DIR [--n 300] [--workers 2]
"""
from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.pdfgen import write_stream_pdf


def mutants(sources: list[Path], raw: Path, n: int, rng: random.Random) -> dict[str, str]:
    """Write ``n`` damaged copies; name -> kind (bytes flipped, truncated, sound copy)."""
    kinds = {}
    for i in range(n):
        data = bytearray(sources[i % len(sources)].read_bytes())
        if i % 10 == 0:
            kind, cut = "truncated", rng.choice([40, 400, len(data) // 2])
            data = data[:-cut]
        else:
            kind = "flipped"
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        name = f"mutant_{i:03}_{kind}.pdf"
        (raw / name).write_bytes(bytes(data))
        kinds[name] = kind
    return kinds


def bombs(raw: Path) -> dict[str, str]:
    """A flate bomb (a small stream inflating to GBs) and a glyph bomb (a page of glyphs)."""
    squeezer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    deflated = b"".join(squeezer.compress(chunk) for _ in range(4096)) + squeezer.flush()  # 4 GB of spaces
    write_stream_pdf(raw / "bomb_flate.pdf", deflated, "/Filter /FlateDecode")
    glyphs = b"BT /F1 1 Tf " + b"0 0 Td (AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA) Tj " * 25_000 + b"ET"
    write_stream_pdf(raw / "bomb_glyphs.pdf", zlib.compress(glyphs, 9), "/Filter /FlateDecode")
    return {"bomb_flate.pdf": "bomb", "bomb_glyphs.pdf": "bomb"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pdfs", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    raw, out = args.work / "raw", args.work / "out"
    raw.mkdir(parents=True, exist_ok=True)
    sources = sorted(args.pdfs.glob("*.pdf"))
    kinds = {p.name: "sound" for p in sources}
    for p in sources:
        (raw / p.name).write_bytes(p.read_bytes())
    kinds.update(mutants(sources, raw, args.n, random.Random(12)))
    kinds.update(bombs(raw))
    started = time.monotonic()
    try:
        result = subprocess.run([sys.executable, "-m", "pipeline", "run", "--raw", str(raw), "--out", str(out),
                                 "--workers", str(args.workers), "--quiet", "--no-report", "--timeout", "120"],
                                capture_output=True, text=True, timeout=3600)
    except subprocess.TimeoutExpired:
        print("HANG: the run did not end within an hour")
        return 1
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"exit {result.returncode} in {time.monotonic() - started:.0f}s; {result.stdout.strip()}")
    if result.returncode:
        print(result.stderr[-2000:])
    docs = pd.read_parquet(out / "documents.parquet").explode("source_files")
    docs["kind"] = docs.source_files.map(kinds)
    print(docs.groupby(["kind", "status"]).size().to_string())
    errors = pd.read_parquet(out / "errors.parquet")
    print(errors.groupby("error").size().to_string())
    for name in ("bomb_flate.pdf", "bomb_glyphs.pdf"):
        print(name, "->", errors[errors.source_file == name].message.tolist())
    sound = docs[docs.kind == "sound"]
    print(f"sound documents failed: {int((sound.status == 'failed').sum())} of {len(sound)}")
    print(f"peak memory of one process of the run: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
