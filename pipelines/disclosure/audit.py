"""Rule 8, the audit: which suppressed cells the published values and the exact relations
determine (marts.md, "Disclosure control (version 2)").

The unknowns are the suppressed cells; each exact relation is a row of coefficients over them
(the published cells are constants and drop out). A suppressed cell is determined when its unit
vector lies in the row space of that matrix, that is when every vector of its null space is zero
at the cell. The system falls apart into independent blocks (unknowns joined by relations),
mostly tiny: each block's null space comes from the eigenvectors of AᵀA with a zero eigenvalue
(numpy's `eigh`), small blocks batched together.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from threadpoolctl import threadpool_limits

from pipelines.disclosure.layout import Layout

# An eigenvalue of AᵀA below this share of the block's largest is zero. AᵀA has small integer
# entries, so rounding leaves null eigenvalues near 1e-15 of the largest, while the smallest
# non-zero one of a block of k unknowns is of the order of 1/k² (a chain): 1e-9 separates
# them for blocks of up to ~10,000 unknowns.
ZERO_EIGENVALUE = 1e-9
# A cell is determined when the null space's component at it is shorter than this (a unit
# vector's; an undetermined cell's is at least of the order of 1/√k).
DETERMINED_BELOW = 1e-6
# Blocks up to this many unknowns are padded to a power of two and solved in batches; larger
# ones one by one. A batch holds at most this many matrix entries (8 bytes each).
BATCHED_UP_TO = 64
BATCH_ENTRIES = 8_000_000


def determined(layout: Layout, suppressed: np.ndarray, within: np.ndarray | None = None) -> np.ndarray:
    """Boolean over the layout's cells: suppressed and determined. `within`: only the cells of
    these systems are solved (systems share no relation, so each is solved on its own)."""
    # One BLAS thread: the blocks are small, and OpenBLAS's threads spinning on a busy 2-core
    # machine made `eigh` of a 1000 × 1000 block ten times slower (measured 5.3 s against 0.5 s).
    with threadpool_limits(limits=1, user_api="blas"):
        return _determined(layout, suppressed, within)


def _determined(layout: Layout, suppressed: np.ndarray, within: np.ndarray | None) -> np.ndarray:
    unknown = suppressed.copy()
    if within is not None:
        unknown &= np.isin(layout.system, within)
    found = np.zeros(layout.n, bool)
    columns = np.flatnonzero(unknown)
    if not len(columns):
        return found
    a = layout.relations[:, columns].tocsr()
    a = a[np.flatnonzero(a.getnnz(axis=1))]
    rows, k = a.shape
    # blocks: connected components of the bipartite graph relations – unknowns
    graph = sparse.bmat([[None, a], [a.T, None]], format="csr") if rows else sparse.csr_matrix((k, k))
    _, label = connected_components(graph, directed=False)
    block = label[rows:] if rows else label
    _, block = np.unique(block, return_inverse=True)
    size = np.bincount(block)
    order = np.argsort(block, kind="stable")
    local = np.empty(k, np.int64)
    local[order] = np.arange(k) - np.repeat(np.cumsum(size) - size, size)

    gram = (a.T @ a).tocoo() if rows else sparse.coo_matrix((k, k))
    entry_block = block[gram.row]
    hits = np.zeros(k, bool)   # by unknown: determined
    padded = np.where(size <= BATCHED_UP_TO, 1 << np.ceil(np.log2(np.maximum(size, 1))).astype(np.int64), size)
    for width in np.unique(padded):
        blocks = np.flatnonzero(padded == width)
        per_batch = max(1, BATCH_ENTRIES // (width * width)) if width <= BATCHED_UP_TO else 1
        for start in range(0, len(blocks), per_batch):
            batch = blocks[start:start + per_batch]
            _solve(batch, int(width), block, local, gram, entry_block, hits)
    found[columns] = hits
    return found


def _solve(batch: np.ndarray, width: int, block: np.ndarray, local: np.ndarray, gram: sparse.coo_matrix,
           entry_block: np.ndarray, hits: np.ndarray) -> None:
    """Solve the blocks of `batch` (padded to `width` unknowns) together; mark determined unknowns."""
    slot = np.full(block.max() + 1, -1, np.int64)
    slot[batch] = np.arange(len(batch))
    matrices = np.zeros((len(batch), width, width))
    inside = slot[entry_block] >= 0
    matrices[slot[entry_block[inside]], local[gram.row[inside]], local[gram.col[inside]]] = gram.data[inside]
    if width > BATCHED_UP_TO:
        # one large block: only the eigenvectors of the null space (LAPACK's dsyevr), below the
        # threshold taken from Gershgorin's bound on the largest eigenvalue
        matrix = matrices[0]
        bound = max(np.abs(matrix).sum(axis=1).max(), 1.0)
        _, vectors = scipy.linalg.eigh(matrix, subset_by_value=(-np.inf, ZERO_EIGENVALUE * bound), driver="evr")
        reach = (vectors ** 2).sum(axis=1)[None, :]
    else:
        eigenvalues, vectors = np.linalg.eigh(matrices)
        largest = np.maximum(eigenvalues.max(axis=1, keepdims=True), 1.0)
        null = eigenvalues < ZERO_EIGENVALUE * largest                       # (b, width)
        # squared length of each unknown's component in the null space (padding columns are
        # zero in AᵀA: their own null vectors are unit vectors off the real unknowns, so they
        # add nothing)
        reach = np.einsum("bij,bj->bi", vectors ** 2, null)
    unknowns = np.flatnonzero(slot[block] >= 0)
    hits[unknowns] = reach[slot[block[unknowns]], local[unknowns]] < DETERMINED_BELOW ** 2
