"""The 64 SAS emoji of ``m.sas.v1``, in index order, with their English names.

Source: the Matrix specification's data file ``data-definitions/sas-emoji.json``
in matrix-org/matrix-spec (main branch, commit 9e94fb8dbc5db00be5b803e5757c402270674d78):
field ``emoji`` (the code points in its ``unicode`` field, noted after each row) and
field ``description``.  Seven entries (21, 29, 37, 43, 45, 49, 53) end in a U+FE0F
variation selector, exactly as the spec's file writes them; clients that compare
emoji as text must keep it.

Translations of the names live in the same spec file and are not copied here.
"""

from __future__ import annotations

from typing import Final

EMOJI: Final[tuple[tuple[str, str], ...]] = (
    ("\U0001f436", "Dog"),  # 0: U+1F436
    ("\U0001f431", "Cat"),  # 1: U+1F431
    ("\U0001f981", "Lion"),  # 2: U+1F981
    ("\U0001f40e", "Horse"),  # 3: U+1F40E
    ("\U0001f984", "Unicorn"),  # 4: U+1F984
    ("\U0001f437", "Pig"),  # 5: U+1F437
    ("\U0001f418", "Elephant"),  # 6: U+1F418
    ("\U0001f430", "Rabbit"),  # 7: U+1F430
    ("\U0001f43c", "Panda"),  # 8: U+1F43C
    ("\U0001f413", "Rooster"),  # 9: U+1F413
    ("\U0001f427", "Penguin"),  # 10: U+1F427
    ("\U0001f422", "Turtle"),  # 11: U+1F422
    ("\U0001f41f", "Fish"),  # 12: U+1F41F
    ("\U0001f419", "Octopus"),  # 13: U+1F419
    ("\U0001f98b", "Butterfly"),  # 14: U+1F98B
    ("\U0001f337", "Flower"),  # 15: U+1F337
    ("\U0001f333", "Tree"),  # 16: U+1F333
    ("\U0001f335", "Cactus"),  # 17: U+1F335
    ("\U0001f344", "Mushroom"),  # 18: U+1F344
    ("\U0001f30f", "Globe"),  # 19: U+1F30F
    ("\U0001f319", "Moon"),  # 20: U+1F319
    ("\u2601\ufe0f", "Cloud"),  # 21: U+2601U+FE0F
    ("\U0001f525", "Fire"),  # 22: U+1F525
    ("\U0001f34c", "Banana"),  # 23: U+1F34C
    ("\U0001f34e", "Apple"),  # 24: U+1F34E
    ("\U0001f353", "Strawberry"),  # 25: U+1F353
    ("\U0001f33d", "Corn"),  # 26: U+1F33D
    ("\U0001f355", "Pizza"),  # 27: U+1F355
    ("\U0001f382", "Cake"),  # 28: U+1F382
    ("\u2764\ufe0f", "Heart"),  # 29: U+2764U+FE0F
    ("\U0001f600", "Smiley"),  # 30: U+1F600
    ("\U0001f916", "Robot"),  # 31: U+1F916
    ("\U0001f3a9", "Hat"),  # 32: U+1F3A9
    ("\U0001f453", "Glasses"),  # 33: U+1F453
    ("\U0001f527", "Spanner"),  # 34: U+1F527
    ("\U0001f385", "Santa"),  # 35: U+1F385
    ("\U0001f44d", "Thumbs Up"),  # 36: U+1F44D
    ("\u2602\ufe0f", "Umbrella"),  # 37: U+2602U+FE0F
    ("\u231b", "Hourglass"),  # 38: U+231B
    ("\u23f0", "Clock"),  # 39: U+23F0
    ("\U0001f381", "Gift"),  # 40: U+1F381
    ("\U0001f4a1", "Light Bulb"),  # 41: U+1F4A1
    ("\U0001f4d5", "Book"),  # 42: U+1F4D5
    ("\u270f\ufe0f", "Pencil"),  # 43: U+270FU+FE0F
    ("\U0001f4ce", "Paperclip"),  # 44: U+1F4CE
    ("\u2702\ufe0f", "Scissors"),  # 45: U+2702U+FE0F
    ("\U0001f512", "Lock"),  # 46: U+1F512
    ("\U0001f511", "Key"),  # 47: U+1F511
    ("\U0001f528", "Hammer"),  # 48: U+1F528
    ("\u260e\ufe0f", "Telephone"),  # 49: U+260EU+FE0F
    ("\U0001f3c1", "Flag"),  # 50: U+1F3C1
    ("\U0001f682", "Train"),  # 51: U+1F682
    ("\U0001f6b2", "Bicycle"),  # 52: U+1F6B2
    ("\u2708\ufe0f", "Aeroplane"),  # 53: U+2708U+FE0F
    ("\U0001f680", "Rocket"),  # 54: U+1F680
    ("\U0001f3c6", "Trophy"),  # 55: U+1F3C6
    ("\u26bd", "Ball"),  # 56: U+26BD
    ("\U0001f3b8", "Guitar"),  # 57: U+1F3B8
    ("\U0001f3ba", "Trumpet"),  # 58: U+1F3BA
    ("\U0001f514", "Bell"),  # 59: U+1F514
    ("\u2693", "Anchor"),  # 60: U+2693
    ("\U0001f3a7", "Headphones"),  # 61: U+1F3A7
    ("\U0001f4c1", "Folder"),  # 62: U+1F4C1
    ("\U0001f4cc", "Pin"),  # 63: U+1F4CC
)
"""``EMOJI[i]`` is ``(emoji, English name)`` for SAS emoji index ``i`` (0..63)."""


__all__ = [
    "EMOJI",
]
