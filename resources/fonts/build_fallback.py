"""Make the fallback fonts Desk's documents use where WenQuanYi Micro Hei has no glyph.

The sources are HanaMinA.ttf and HanaMinB.ttf from the Hanazono Mincho fonts (花園明朝,
GlyphWiki project; Debian package ``fonts-hanazono``), used under the Hanazono Font
License (see ``LICENSE-Hanazono.txt``). Only the characters the main font lacks are
kept, without hinting, and the files are stored xz-compressed:

    hanamin-a-desk.ttf.xz   HanaMinA: CJK Extension A, newer unified ideographs, radicals,
                            enclosed CJK (㊙), compatibility ideographs and other symbols
    hanamin-b-desk.ttf.xz   HanaMinB: CJK Extension B (U+20000–U+2A6DF)

``reports.fonts`` decompresses a file only when a document needs one of its characters.

Usage (from the repository root; needs ``pip install fonttools``):

    python resources/fonts/build_fallback.py [FOLDER WITH HanaMinA.ttf AND HanaMinB.ttf]

The folder defaults to /usr/share/fonts/truetype/hanazono (``apt-get install
fonts-hanazono``, or ``apt-get download fonts-hanazono`` and ``dpkg-deb -x``).
"""

from __future__ import annotations

import lzma
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAIN = HERE / "wqy-microhei.ttc"
TARGETS: list[tuple[str, str, Callable[[int], bool]]] = [
    # everything HanaMinA has and the main font lacks, but the private use area
    ("HanaMinA.ttf", "hanamin-a-desk.ttf.xz", lambda cp: not 0xE000 <= cp <= 0xF8FF),
    ("HanaMinB.ttf", "hanamin-b-desk.ttf.xz", lambda cp: 0x20000 <= cp <= 0x2A6DF),
]


def build(source_dir: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    main = set(TTCollection(str(MAIN)).fonts[0].getBestCmap())
    for source, target, wanted in TARGETS:
        font = TTFont(str(source_dir / source))
        keep = [cp for cp in font.getBestCmap() if cp not in main and wanted(cp)]
        options = subset.Options()
        options.hinting = False
        options.layout_features = []
        options.drop_tables += ["vhea", "vmtx", "BASE", "GDEF", "GSUB", "GPOS", "FFTM", "prop"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.glyph_names = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=keep)
        subsetter.subset(font)
        out = HERE / (target + ".tmp")
        font.save(str(out))
        data = out.read_bytes()
        out.unlink()
        (HERE / target).write_bytes(lzma.compress(data, preset=9 | lzma.PRESET_EXTREME))
        print(f"{target}: {len(keep)} characters, {len(data) / 1e6:.1f} MB, "
              f"{(HERE / target).stat().st_size / 1e6:.1f} MB compressed")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/usr/share/fonts/truetype/hanazono"))
