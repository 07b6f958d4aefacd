"""A local agent speaking the VGCA signing plugin's protocol (wss://127.0.0.1:8987/<endpoint>), its
key on a SoftHSM2 token: what the signing page (qlvb/static/signatures/vgca.js) is tested against.
See docs/signing-vgca.md."""
