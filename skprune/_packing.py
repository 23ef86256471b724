"""Compact pickled state: pruned weights are not stored.

Weight matrices are stored as their mask (packed bits) and the values of the
unpruned weights only, so a 95%-sparse network's file is about a tenth of
the dense one's. Curves (``loss_curve_``) are stored as one array rather than
a list of floats, which ``skops.io`` would write as one JSON entry per epoch
(200 kB for 1,000 epochs). Only NumPy arrays and plain containers are used,
so ``skops.io`` can load the state without trusting any further type.
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


def pack_array(array):
    """An array of any shape as :func:`pack_vector` of its values and its shape."""
    array = np.asarray(array)
    return {"shape": np.array(array.shape, dtype=np.int64), **pack_vector(array.ravel())}


def unpack_array(packed):
    """Inverse of :func:`pack_array`."""
    return unpack_vector(packed).reshape(tuple(int(s) for s in packed["shape"]))


def pack_arrays(state, name):
    """``state`` with its array or list of arrays ``name`` (a pruner's
    scores, mostly zeros: the pruned weights') packed by :func:`pack_array`."""
    value = state.get(name)
    if isinstance(value, np.ndarray):
        value = [value]
    elif not (isinstance(value, list) and value and all(isinstance(v, np.ndarray) for v in value)):
        return state
    return {**{k: v for k, v in state.items() if k != name},
            "_packed_arrays": {"name": name, "list": not isinstance(state[name], np.ndarray),
                               "arrays": [pack_array(v) for v in value]}}


def unpack_arrays(state):
    """Inverse of :func:`pack_arrays`."""
    if "_packed_arrays" not in state:
        return state
    state = dict(state)
    packed = state.pop("_packed_arrays")
    arrays = [unpack_array(p) for p in packed["arrays"]]
    state[packed["name"]] = arrays if packed["list"] else arrays[0]
    return state


# Fitted attributes that are lists of floats, one per epoch.
CURVES = ("loss_curve_", "validation_scores_")


def pack_network_state(state, layer_units_check):
    """The pickled state of a network: weights packed, curves as arrays.

    ``layer_units_check`` is called first when there are weights (invalid
    masks must not pickle silently).
    """
    state = dict(state)
    if "coefs_" in state and "masks_" in state:
        layer_units_check()
        state["_packed_weights"] = pack_weights(state.pop("coefs_"), state.pop("masks_"))
    curves = {name: np.asarray(state.pop(name), dtype=np.float64)
              for name in CURVES if isinstance(state.get(name), list)}
    if curves:
        state["_packed_curves"] = curves
    return state


def unpack_network_state(state):
    """Inverse of :func:`pack_network_state`."""
    state = dict(state)
    if "_packed_weights" in state:
        state["coefs_"], state["masks_"] = unpack_weights(state.pop("_packed_weights"))
    for name, curve in state.pop("_packed_curves", {}).items():
        state[name] = curve.tolist()  # the floats that were stored, exactly
    return state
