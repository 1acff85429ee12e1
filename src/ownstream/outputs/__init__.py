"""Per-stream outputs: what the stream lifecycle starts for each stream and feeds the publisher's media.

`protocol.py` says what an output is; `fanout.py` gives each one its own bounded queue; `hls.py` (the
transcoder, the primary output viewers watch) and `thumbnails.py` are today's outputs.
"""
