"""The test PKI (RSA-2048, made once per run) and the two service doubles, each started on a free
port on 127.0.0.1 for one test and stopped after it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from qlvb.signatures.remote.mysign import MySignClient
from qlvb.signatures.remote.smartca import SmartCAClient
from qlvb.signatures.remote.tests.doubles import (
    Authority,
    Credential,
    MySignDouble,
    Script,
    SmartCADouble,
    issue,
    make_authority,
    rsa_key,
)

SIGNER = "001085012345"  # a CCCD number: SmartCA's user_id
EXPIRED_SIGNER = "001085099999"
MYSIGN_SIGNER = "CMT_001085012345"  # a MySign log-in
MYSIGN_EXPIRED = "CMT_001085099999"


@dataclass
class Pki:
    authority: Authority
    key: rsa.RSAPrivateKey
    valid: Credential
    expired: Credential


@pytest.fixture(scope="session")
def pki() -> Pki:
    authority = make_authority()
    key = rsa_key()
    valid_cert = issue(authority, key, "Nguyễn Văn Bình", f"CCCD:{SIGNER}")
    old_key = rsa_key()
    expired_cert = issue(authority, old_key, "Đặng Thu Hà", f"CCCD:{EXPIRED_SIGNER}", expired=True)
    chain = (authority.der,)
    return Pki(authority, key,
               Credential("540101014e4653549c5a6fdcb9c89999", key, valid_cert, chain),
               Credential("540101013e3772189f6b3981df73bf0a", old_key, expired_cert, chain, expired=True))


def no_sleep(_seconds: float) -> None:
    pass


@pytest.fixture
def smartca_double(pki: Pki) -> Iterator[SmartCADouble]:
    double = SmartCADouble("4184-637127995547330633.apps.smartcaapi.com", "NGNhMzdmOGE-OGM2Mi00MTg0")
    double.add_user(SIGNER, pki.valid, script=Script(waits=3))
    double.add_user(EXPIRED_SIGNER, pki.expired)
    double.start()
    yield double
    double.stop()


@pytest.fixture
def smartca(smartca_double: SmartCADouble) -> SmartCAClient:
    client = SmartCAClient(smartca_double.client_id, smartca_double.client_secret,
                           base_url=f"{smartca_double.url}/sca/sp769", timeout=5, retries=3, backoff=0)
    client.http.sleep = no_sleep
    return client


@pytest.fixture
def mysign_double(pki: Pki) -> Iterator[MySignDouble]:
    double = MySignDouble("QLVB_Test_Mysign", "860c5746f30d705ef9b16e0adbd7b5f6d8c4a4ee")
    double.add_user(MYSIGN_SIGNER, Credential("001085012345_2482540_20260101114147", pki.key,
                                              pki.valid.certificate, pki.valid.chain), script=Script(waits=3))
    double.add_user(MYSIGN_EXPIRED, Credential("001085099999_2482541_20240101114147", pki.expired.key,
                                               pki.expired.certificate, pki.expired.chain, expired=True))
    double.start()
    yield double
    double.stop()


@pytest.fixture
def mysign(mysign_double: MySignDouble) -> MySignClient:
    client = MySignClient(mysign_double.client_id, mysign_double.client_secret, base_url=mysign_double.url,
                          profile_id=mysign_double.profile_id, timeout=5, retries=3, backoff=0)
    client.http.sleep = no_sleep
    return client
