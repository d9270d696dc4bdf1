"""The ``mne-coefanim`` command."""
