"""What a run is on (the stack, the device) and the few calls that differ between Keras 2 and 3."""
