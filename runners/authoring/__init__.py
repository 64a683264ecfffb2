"""Authoring: drafting a spec file from a notebook's stored outputs and prose, for an author to review
(`claimcheck draft`).

What it proposes, each with the cells that produce it and the cell it cites:

* every row of a ``model.summary()`` table: the layer's output shape and parameters, and the
  totals (static claims on the model's own cells: those that build or change it, and what they need;
  a model built with ``weights="imagenet"`` measured with the weights substituted away);
* what a cell displays or prints: a shape (``train_images.shape``), a length (``len(x)``, read as
  ``x.shape[0]``), an array's first and last entries and dtype, a number printed by name
  (``print('test_acc:', test_acc)``, a bare ``test_acc``);
* a fit log's last epoch: its accuracies (``acc``, ``val_acc``), read from the history;
* the prose's numbers that match one of those values (``97.8%`` for ``0.9777``), marked with what
  they matched and how sure the match is.

A number after a fit is a stochastic claim (tier ``cpu``, seeds, a reference): its reference is
written ``source: pending`` with the command that records it, so the drafted claim is skipped, with
that command as the fix, until it is recorded. Everything it cannot place is listed with its cell.
Nothing here runs the notebook.

The modules: ``proposals`` (what a draft holds: Proposal, Draft, claim ids), ``names`` (what a cell
reads and defines, read with ``ast``), ``notebook`` (the notebook's code cells, linked by those names:
a claim's program is the cells its value needs), ``outputs`` and ``prose`` (proposals read from each),
``drafting`` (the steps in order: :func:`drafting.draft`), ``yamlwriter`` (the one YAML writer)
and ``spec`` (the spec file and its pending references, written with it).
"""
