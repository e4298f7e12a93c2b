"""The wizard's screens, one per file; layouts in the ``.tcss`` files beside them."""
