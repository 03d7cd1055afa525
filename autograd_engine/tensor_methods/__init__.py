"""The op methods of ``Tensor``, one mixin class per op family."""
