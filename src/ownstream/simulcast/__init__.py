"""Simulcast: the live stream forwarded to other RTMP/RTMPS servers, one supervised forwarder each."""
