"""The compute node of the two."""

NODE = "NodeDoubleCompute"
