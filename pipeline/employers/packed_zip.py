"""A zip written from parts deflated ahead: the feedback workbooks' package.

Thousands of feedback workbooks a night share most of their parts (content types, relations,
styles, theme, the explanation sheet). `zipfile` deflates every part of every workbook again and
spends ~0.1 ms of Python on each; here a part is deflated once (`connectors.zip_write.pack`,
remembered by the caller) and a workbook is its parts' bytes behind local headers, then the central directory
(`connectors.zip_write`) — the zip `zipfile` writes for the same parts (deflate, no data
descriptors, no ZIP64), read back by `zipfile`, openpyxl and calamine in the tests.
"""

from __future__ import annotations

from connectors.zip_write import Packed, pack, write_zip

__all__ = ["Packed", "pack", "write_zip"]
