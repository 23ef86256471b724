"""Compact pickled state: pruned weights are not stored.

Weight matrices are stored as their mask (packed bits) and the values of the
unpruned weights only, so a 95%-sparse network's file is about a tenth of
the dense one's. Only NumPy arrays and plain containers are used, so
``skops.io`` can load the state without trusting any further type.
"""

import numpy as np


def pack_weights(coefs, masks):
    """``[{"shape", "mask", "stored", "values"}, ...]`` for each weight matrix.

    ``values`` holds the weights that are unpruned or (a mask edited since the
    last fit) not yet zeroed, so that unpacking gives back exactly the
    arrays that were packed.
    """
    packed = []
    for W, mask in zip(coefs, masks):
        mask = np.asarray(mask, dtype=bool)
        stored = mask | (W != 0)
        packed.append({
            "shape": np.array(W.shape, dtype=np.int64),
            "mask": np.packbits(mask, axis=None),
            "stored": np.packbits(stored, axis=None),
            "values": np.ascontiguousarray(W[stored]),
        })
    return packed


def unpack_weights(packed):
    """Inverse of :func:`pack_weights`: ``(coefs, masks)``."""
    coefs, masks = [], []
    for entry in packed:
        shape = tuple(int(s) for s in entry["shape"])
        size = int(np.prod(shape))
        mask = np.unpackbits(entry["mask"], count=size).astype(bool).reshape(shape)
        stored = np.unpackbits(entry["stored"], count=size).astype(bool).reshape(shape)
        W = np.zeros(shape, dtype=entry["values"].dtype)
        W[stored] = entry["values"]
        coefs.append(W)
        masks.append(mask)
    return coefs, masks


def pack_vector(vector):
    """A mostly-zero vector as its size, the indices and values of non-zeros."""
    index = np.flatnonzero(vector)
    if index.size > vector.size // 3:
        return {"dense": vector}
    return {"size": np.int64(vector.size), "index": index.astype(np.int64), "values": vector[index]}


def unpack_vector(packed):
    """Inverse of :func:`pack_vector`."""
    if "dense" in packed:
        return packed["dense"]
    vector = np.zeros(int(packed["size"]), dtype=packed["values"].dtype)
    vector[packed["index"]] = packed["values"]
    return vector
