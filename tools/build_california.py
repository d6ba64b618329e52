"""Build tapegrad's packaged copy of the California housing data.

Reads the 1990 census table (``cal_housing.csv``: 20,640 rows with the columns
longitude, latitude, housing_median_age, total_rooms, total_bedrooms,
population, households, median_income, median_house_value) and writes
``src/tapegrad/datasets/data/cal_housing.npz``.

Every value in the table is a decimal with few significant digits, so each
column is stored as integers together with a power-of-ten scale (longitude and
latitude in hundredths, median_income in ten-thousandths, the rest as whole
numbers).  The loader rebuilds the float64 column as ``ints / scale``; since
IEEE division is correctly rounded, that gives the very double that parsing
the CSV's text gives, which this script checks bit for bit before writing.

Usage::

    python tools/build_california.py [CSV] [OUT]

Defaults: CSV = ../shared/data/cal_housing.csv (relative to the repository
root, falling back to /work/shared/data/cal_housing.csv), OUT = the package's
data file.
"""

from __future__ import annotations

import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

# The column order and the reader are the package's own, so the check below reads the file
# exactly as fetch_california_housing does.
from tapegrad.datasets._california import _DATA_FILE as DEFAULT_OUT  # noqa: E402
from tapegrad.datasets._california import CSV_COLUMNS as COLUMNS  # noqa: E402
from tapegrad.datasets._california import load_table  # noqa: E402

# decimal places kept for each column
DECIMALS = {"longitude": 2, "latitude": 2, "median_income": 4}


def _default_csv() -> str:
    for cand in (
        os.path.join(ROOT, "..", "shared", "data", "cal_housing.csv"),
        "/work/shared/data/cal_housing.csv",
    ):
        if os.path.exists(cand):
            return os.path.normpath(cand)
    raise SystemExit("cal_housing.csv not found; pass its path as the first argument")


def _smallest_int_dtype(values: np.ndarray) -> np.dtype:
    for dt in (np.int8, np.int16, np.int32, np.int64):
        info = np.iinfo(dt)
        if values.min() >= info.min and values.max() <= info.max:
            return np.dtype(dt)
    raise AssertionError("unreachable")


def build(csv_path: str, out_path: str) -> None:
    with open(csv_path) as f:
        header = f.readline().strip().split(",")
    if tuple(header) != COLUMNS:
        raise SystemExit(f"unexpected header: {header}")
    table = np.loadtxt(csv_path, delimiter=",", skiprows=1, dtype=np.float64)
    if table.shape != (20640, 9):
        raise SystemExit(f"unexpected shape: {table.shape}")

    arrays = {}
    for j, name in enumerate(COLUMNS):
        col = table[:, j]
        dec = DECIMALS.get(name, 0)
        scale = 10.0**dec
        ints = np.rint(col * scale)
        back = ints / scale
        # bit-for-bit equality with the parsed CSV
        if not np.array_equal(back.view(np.int64), col.view(np.int64)):
            bad = np.flatnonzero(back != col)[:5]
            raise SystemExit(f"column {name} does not round-trip at rows {bad}")
        arrays[name] = ints.astype(_smallest_int_dtype(ints))
        arrays[name + "__decimals"] = np.array(dec, dtype=np.int8)

    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    np.savez_compressed(out_path, **arrays)

    # re-read and check once more, with the package's own loader
    loaded = load_table(out_path)
    for j, name in enumerate(COLUMNS):
        assert np.array_equal(loaded[:, j].view(np.int64), table[:, j].view(np.int64)), name
    print(f"wrote {out_path}: {os.path.getsize(out_path)} bytes, {table.shape[0]} rows")


def main(argv: list[str]) -> None:
    csv_path = argv[1] if len(argv) > 1 else _default_csv()
    out_path = argv[2] if len(argv) > 2 else DEFAULT_OUT
    build(csv_path, out_path)


if __name__ == "__main__":
    main(sys.argv)
