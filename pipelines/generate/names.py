"""Invented people and establishments: names, identity numbers, and how clerks write them.

Everything here is a pure function of a string key, so the same person (a repeat
offender, a person later supported by labor) comes out the same wherever the key is used.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

_FAMILY = ("Nguyễn",) * 30 + ("Trần",) * 11 + ("Lê",) * 9 + ("Phạm",) * 7 + ("Hoàng",) * 5 + (
    "Vũ", "Vũ", "Vũ", "Phan", "Phan", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh")
_MIDDLE = {
    "Nữ": ("Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Thùy", "Phương", "Kim", "Minh"),
    "Nam": ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Mạnh", "Hữu", "Tiến", "Thanh", "Ngọc"),
}
# Hòa, Thủy, Thụy, Khỏe...: names that exist in both tone placements.
_GIVEN = {
    "Nữ": ("Hoa", "Lan", "Mai", "Hằng", "Thủy", "Thúy", "Hòa", "Nhung", "Linh", "Loan", "Oanh",
           "Trang", "Hương", "Hạnh", "Huyền", "Nga", "Vân", "Yến", "Quỳnh", "Diệp", "My", "Uyên",
           "Duyên", "Tâm", "Thoa", "Khuê", "Ngọc Thủy"),
    "Nam": ("Hùng", "Long", "Tuấn", "Sơn", "Thắng", "Kiên", "Cường", "Đạt", "Phong", "Toàn", "Lâm",
            "Khoa", "Huy", "Trung", "Phúc", "Tài", "Hòa", "Thụy", "Khải", "Nghĩa", "Khỏe"),
}
_NICKNAMES = ("Béo", "Xù", "Mít", "Tèo", "Nhím", "Long đen", "Tí")
_PROVINCES = ("001",) * 12 + ("022", "026", "027", "030", "031", "033", "034", "035", "036", "037",
                              "038", "040", "019", "024", "025", "017")
_CMND_PREFIXES = ("01", "01", "01", "01", "16", "17", "12", "13", "03", "14", "15")


@dataclass(frozen=True)
class Person:
    key: str
    identity: str     # digits only: 12 (CCCD) or 9 (CMND)
    full_name: str
    sex: str          # Nam / Nữ
    birth_year: int


def person(seed: int, key: str, sex: str, birth_year: int, cmnd_share: float) -> Person:
    rng = random.Random(f"{seed}:person:{key}")
    name = f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE[sex])} {rng.choice(_GIVEN[sex])}"
    if rng.random() < 0.07:  # the alias police note down, in quotes, sometimes after a comma
        nickname = rng.choice(_NICKNAMES)
        name = f'{name}, tức "{nickname}"' if rng.random() < 0.5 else f'{name} "{nickname}"'
    if rng.random() < cmnd_share:
        identity = rng.choice(_CMND_PREFIXES) + f"{rng.randrange(10**7):07d}"
    else:
        century = (0 if birth_year < 2000 else 2) + (1 if sex == "Nữ" else 0)
        identity = f"{rng.choice(_PROVINCES)}{century}{birth_year % 100:02d}{rng.randrange(10**6):06d}"
    return Person(key, identity, name, sex, birth_year)


def written_identity(digits: str, rng: random.Random) -> str:
    """An identity number as a clerk types it: plain, grouped by dots or spaces, padded."""
    style = rng.randrange(7)
    if style == 0:
        return digits
    if style == 1:
        return ".".join(digits[i:i + 3] for i in range(0, len(digits), 3))
    if style == 2:
        return " ".join(digits[i:i + 3] for i in range(0, len(digits), 3))
    if style == 3 and len(digits) == 12:
        return " ".join(digits[i:i + 4] for i in range(0, 12, 4))
    if style == 4:
        return f"{digits[:3]}.{digits[3:6]} {digits[6:]}"
    if style == 5:
        return f" {digits} "
    return digits


PLACE_KINDS = ("karaoke", "massage", "khách sạn/nhà nghỉ", "quán bar/vũ trường", "cắt tóc gội đầu",
               "nơi công cộng", "mạng xã hội/trực tuyến", "khác")
UNNAMED_PLACE_KINDS = ("nơi công cộng", "mạng xã hội/trực tuyến")
LICENSE_CODES = {"karaoke": "KR", "massage": "MS", "khách sạn/nhà nghỉ": "KS",
                 "quán bar/vũ trường": "BR", "cắt tóc gội đầu": "CT", "khác": "KH"}

_ESTABLISHMENT_NAMES = {
    "karaoke": (("Karaoke",), ("Hoa Hồng", "Sao Mai", "Ánh Trăng", "Giai Điệu Xanh", "Thiên Đường",
                               "Hoàng Kim", "Nhật Nguyệt", "Bốn Mùa", "Ngôi Sao", "Kim Cương", "Cung Đàn")),
    "massage": (("Massage", "Spa", "Xông hơi"), ("Mộc Miên", "Hương Quế", "Thư Giãn", "Sen Vàng",
                                                 "Lavender", "Ngọc Trai", "Hoà Bình")),
    "khách sạn/nhà nghỉ": (("Khách sạn", "Nhà nghỉ", "Nhà khách"), ("Sông Hồng", "Mai Anh", "Bình An",
                                                                   "Hương Sen", "Bạch Dương", "Phương Đông",
                                                                   "Thăng Long", "Hoa Sữa")),
    "quán bar/vũ trường": (("Bar", "Lounge", "Vũ trường"), ("Sky", "Paradise", "Hải Âu", "Mây Trắng", "Galaxy")),
    "cắt tóc gội đầu": (("Salon tóc", "Gội đầu thư giãn"), ("Thanh", "Hằng", "Xinh", "Mộng Mơ", "Tóc Mây", "Thuỷ")),
    "khác": (("Phòng trà", "Tiệm nail", "Quán cà phê"), ("Mộc", "Mây", "Phố Cổ", "Hoài Cổ")),
}


def establishment_name(seed: int, key: str, kind: str) -> str:
    """A name as on the signboard; some with the brand in quotes or a branch after a comma."""
    if kind in UNNAMED_PLACE_KINDS:
        return ""
    rng = random.Random(f"{seed}:establishment:{key}")
    prefixes, brands = _ESTABLISHMENT_NAMES[kind]
    brand = rng.choice(brands)
    name = f'{rng.choice(prefixes)} "{brand}"' if rng.random() < 0.2 else f"{rng.choice(prefixes)} {brand}"
    if rng.random() < 0.15:
        name += f", {rng.choice(('cơ sở', 'chi nhánh'))} {rng.randint(2, 4)}"
    return name
