"""chibo's monthly job done the way a competent analyst would do it in Python today:
pandas.read_excel (openpyxl, or pandas' calamine engine), header search, day-first
date parsing, name matching, per-cadre and per-unit counts, and the consolidated
workbook written with openpyxl. It is the baseline of benches/compare.sh.

Usage: python3 benches/baseline.py WORKSPACE YYYY-MM ENGINE   (ENGINE: openpyxl | calamine)
"""
import glob
import os
import sys
import unicodedata

import pandas as pd

ws, month, engine = sys.argv[1], sys.argv[2], sys.argv[3]
year, last = int(month[:4]), int(month[5:7])

LABELS = {
    "stt": "stt", "họ và tên": "cadre", "chi bộ": "cell", "xã/phường": "commune",
    "ngày sinh hoạt": "date", "có dự": "attended", "lý do vắng": "reason",
    "tổng số đảng viên": "total", "số đảng viên có mặt": "present",
    "nội dung truyền đạt": "content", "số ý kiến, kiến nghị": "raised",
    "số giải quyết tại chỗ": "resolved", "xếp loại": "rating", "ghi chú": "note",
}


def key(value):
    return unicodedata.normalize("NFC", str(value)).strip().lower()


roster = pd.read_excel(os.path.join(ws, "roster.xlsx"), sheet_name=None, engine=engine)
cadres, cells = roster["Cán bộ"], roster["Chi bộ"]
cadre_by_name = {key(n): c for n, c in zip(cadres["Họ và tên"], cadres["Mã cán bộ"])}
cell_by_name = {(u, key(n)): c for u, n, c in zip(cells["Mã đơn vị"], cells["Tên chi bộ"], cells["Mã chi bộ"])}

frames = []
for m in range(1, last + 1):
    for path in sorted(glob.glob(os.path.join(ws, "inbox", f"{year}-{m:02d}", "*.xls*"))):
        raw = pd.read_excel(path, sheet_name="Báo cáo", header=None, engine=engine)
        scan = range(min(30, len(raw)))
        best = max(scan, key=lambda r: sum(key(v) in LABELS for v in raw.iloc[r]))
        df = raw.iloc[best + 1:].copy()
        df.columns = [LABELS.get(key(v), f"c{i}") for i, v in enumerate(raw.iloc[best])]
        first = df.iloc[:, :2].fillna("").astype(str).agg(" ".join, axis=1)
        footer = first.str.contains("Người lập|T/M|Nơi nhận|Xác nhận", regex=True)
        if footer.any():
            df, first = df[: footer.values.argmax()], first[: footer.values.argmax()]
        df = df[~first.str.strip().str.startswith(("Cộng", "Tổng"))]
        df = df.dropna(subset=["cadre"])
        unit = os.path.basename(path).split()[0]
        df["unit"], df["month"] = unit, m
        df["date"] = pd.to_datetime(df["date"], dayfirst=True, errors="coerce")
        df["cadre_code"] = df["cadre"].map(lambda n: cadre_by_name.get(key(n)))
        df["cell_code"] = [cell_by_name.get((unit, key(c))) for c in df["cell"]]
        frames.append(df)

rows = pd.concat(frames, ignore_index=True)
ok = rows.dropna(subset=["date", "cadre_code", "cell_code"]).drop_duplicates(["cadre_code", "cell_code", "date"])
attended = ok[ok["attended"].astype(str).str.strip().isin(["Có", "x", "X", "1", "Đã dự"])]
per_cadre = attended.groupby("cadre_code").size().rename("Đã dự")
summary = cadres.merge(per_cadre, left_on="Mã cán bộ", right_index=True, how="left").fillna({"Đã dự": 0})
per_unit = ok[ok["month"] == last].groupby("unit").agg(dòng=("cadre_code", "size"), dự=("attended", lambda s: (s == "Có").sum()))
with pd.ExcelWriter(os.path.join(ws, f"baseline-{engine}.xlsx"), engine="openpyxl") as out:
    summary.to_excel(out, sheet_name="Cán bộ", index=False)
    per_unit.to_excel(out, sheet_name="Đơn vị")
    ok[ok["month"] == last].to_excel(out, sheet_name="Chi tiết", index=False)
print(f"{len(rows)} rows read, {len(ok)} accepted")
