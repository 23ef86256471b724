"""A per-layer account of a network's sparsity, for people to read."""

import html

import numpy as np
from sklearn.utils.validation import check_is_fitted

_COLUMNS = ("layer", "shape", "weights", "kept", "sparsity", "dead_inputs", "dead_units")
_HEADERS = ("layer", "shape", "weights", "kept", "sparsity", "dead inputs", "dead units")


class LayerSummary:
    """Per-layer shapes, weights kept, sparsity and dead units of a network.

    Returned by ``layer_summary()`` of :class:`~skprune.PrunableMLPClassifier`
    and :class:`~skprune.PrunableMLPRegressor`. It prints as a table (and
    shows as an HTML table in notebooks); ``rows`` holds one dict per weight
    layer, and :meth:`as_dict` gives columns, ready for ``pandas.DataFrame``.

    Attributes
    ----------
    rows : list of dict
        For each weight layer: ``layer`` (its index), ``shape`` (``(fan_in,
        fan_out)``), ``weights`` (connections), ``kept`` (connections not
        pruned), ``sparsity`` (the fraction pruned), ``dead_inputs`` (inputs
        of the layer -- features, or units of the layer below -- that no
        kept connection reads) and ``dead_units`` (units of the layer that
        no kept connection feeds: they output a constant).
    """

    def __init__(self, rows):
        self.rows = rows

    def as_dict(self):
        """Columns of the table: ``{name: [value per layer]}``."""
        return {name: [row[name] for row in self.rows] for name in _COLUMNS}

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, layer):
        return self.rows[layer]

    def _cells(self):
        cells = [list(_HEADERS)]
        for row in self.rows:
            cells.append([
                str(row["layer"]), f"{row['shape'][0]} x {row['shape'][1]}", f"{row['weights']:,}",
                f"{row['kept']:,}", f"{row['sparsity']:.1%}", str(row["dead_inputs"]),
                str(row["dead_units"]),
            ])
        weights = sum(row["weights"] for row in self.rows)
        kept = sum(row["kept"] for row in self.rows)
        cells.append(["total", "", f"{weights:,}", f"{kept:,}",
                      f"{1 - kept / weights:.1%}" if weights else "", "", ""])
        return cells

    def __repr__(self):
        cells = self._cells()
        widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
        lines = ["  ".join(cell.rjust(width) for cell, width in zip(row, widths)).rstrip()
                 for row in cells]
        lines.insert(1, "  ".join("-" * width for width in widths))
        return "\n".join(lines)

    def _repr_html_(self):
        cells = self._cells()
        head = "".join(f"<th>{html.escape(cell)}</th>" for cell in cells[0])
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
            for row in cells[1:]
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class LayerSummaryMixin:
    """``layer_summary()`` for the prunable networks."""

    def layer_summary(self):
        """Per-layer shapes, weights kept, sparsity and dead units.

        Returns
        -------
        summary : LayerSummary
            Prints as a table; ``summary.rows`` (one dict per layer) and
            ``summary.as_dict()`` (columns) give the numbers.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from skprune import PrunableMLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = PrunableMLPClassifier((6,), solver="lbfgs", max_iter=500,
        ...                             random_state=0).fit(X, y)
        >>> clf.masks_[0][:, :2] = False    # units 0 and 1 lose every input
        >>> clf = clf.set_params(warm_start=True).fit(X, y)
        >>> clf.layer_summary()
        layer  shape  weights  kept  sparsity  dead inputs  dead units
        -----  -----  -------  ----  --------  -----------  ----------
            0  4 x 6       24    16     33.3%            0           2
            1  6 x 3       18    18      0.0%            0           0
        total              42    34     19.0%
        """
        check_is_fitted(self)
        rows = []
        for layer, mask in enumerate(self.masks_):
            kept = int(np.count_nonzero(mask))
            rows.append(dict(
                layer=layer, shape=tuple(mask.shape), weights=int(mask.size), kept=kept,
                sparsity=1.0 - kept / mask.size if mask.size else 0.0,
                dead_inputs=int(np.count_nonzero(~mask.any(axis=1))),
                dead_units=int(np.count_nonzero(~mask.any(axis=0))),
            ))
        return LayerSummary(rows)
