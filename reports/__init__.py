"""The output layer: a finished run rendered for people (the HTML report, the errata draft, the matrix,
the operating-characteristic table). The engine never imports it; the service hands it a run."""
