"""The national document-exchange axis (Trục liên thông văn bản quốc gia) as a transport of the
exchange: ``client`` (the signed wire protocol), ``double`` (a contract test double of the axis
for tests and the bench), ``sync`` (sending, polling, acknowledging, the agency directory).
See docs/exchange-axis.md."""
