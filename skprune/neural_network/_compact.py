"""Deleting dead hidden units from a pruned network."""

import numpy as np

from .._core.activations import ACTIVATIONS


def compact_network(model):
    """Delete, in place, the hidden units that cannot affect the output.

    A unit with no remaining outgoing weight is deleted. A unit with no
    remaining incoming weight outputs the constant ``f(b)``; that constant
    times its outgoing weights is added to the next layer's biases, and the
    unit is deleted. Deleting units can leave others dead, so the passes
    repeat until nothing changes. A layer keeps at least one unit (with no
    outgoing weight if all were dead), so the architecture stays valid.
    """
    activation = ACTIVATIONS[model.activation]
    changed = True
    while changed:
        changed = False
        for layer in range(len(model.coefs_) - 1):
            W_in, b_in = model.coefs_[layer], model.intercepts_[layer]
            W_out, b_out = model.coefs_[layer + 1], model.intercepts_[layer + 1]
            constant = ~W_in.any(axis=0) & W_out.any(axis=1)
            if constant.any():
                value = b_in[constant].astype(np.float64)[None, :]
                activation.forward(value)
                b_out += (value @ W_out[constant]).ravel().astype(b_out.dtype)
                W_out[constant] = 0.0
            dead = ~W_out.any(axis=1)
            if dead.all():
                dead[0] = False  # keep one (silent) unit
            if dead.any():
                model._remove_hidden_units(layer, ~dead)
                changed = True
    return model
