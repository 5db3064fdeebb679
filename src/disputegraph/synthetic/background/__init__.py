"""Background disputes, generated in fixed-size chunks with numpy.

Each chunk of disputes brings its own parties, employers (with contractor chains),
construction projects, involvements, reports, hand-off chains and links; it refers
to the city frame (communities, compounds, parcels, property managers, agencies)
only by index. Chunks are seeded from ``(seed, chunk number)`` and have a fixed
size, so the output does not depend on how the work is split, and memory stays
flat however large the city is.

Most background disputes stand alone (1–3 parties); a few share a respondent
employer (groups of 3–10 disputes), a repeat petitioner, or a compound, which
gives the small background clusters a real city has.

Modules: :mod:`.tables` (what each category looks like), :mod:`.cases` (the
disputes' first draws), :mod:`.people` (parties, employers, contractor chains),
:mod:`.handoffs` (hand-off chains), :mod:`.chunk` (one chunk, stage by stage).
"""

from disputegraph.synthetic.background.chunk import CHUNK, background_chunk
from disputegraph.synthetic.background.people import Counters

__all__ = ["CHUNK", "Counters", "background_chunk"]
