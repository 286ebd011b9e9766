#!/usr/bin/python3
"""Makes JWTs with PyJWT (Debian's python3-jwt) for the verifier's interoperability test.

Run from anywhere with Debian's python (apt-get install -y python3-jwt python3-cryptography):

    /usr/bin/python3 tests/unit/auth/vectors/make_pyjwt_tokens.py > tests/unit/auth/vectors/pyjwt_tokens.json

and commit the output: the C++ test reads it, so it needs no python at run time. The keys are
fixed test keys (below), used for nothing else; ES256 and PS256 signatures are randomized, so
each run writes different tokens that verify the same way. Tokens carry no exp (the test's
verifier does not require one) and an nbf/iat long past.
"""

import json
import subprocess
import sys

import cryptography
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

# A 2048-bit RSA key made for this test only (RS256 and PS256).
RSA_PRIVATE_PEM = b"""-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC/3MA4Q+c82Zuf
7Tay3RYQ4Ey9DJKBwb72CSRyAWyRIRE4hiAeKM/MhdhS4W8h3eDekTRwtfRdOh4u
goISfUfbt/SwHmhpXn2I2Z9xrMCynGJ5mSX4tBFMfNx9CLz1iXu5pWAeL12L87BT
lpPULwccD4N6edtP+JGnVmbFdcoRFG8OBC3I+bUqqkuaETz/46UwT/2F4jk9fYHB
QYNnz7Z/2l9alZtbBLySP5cvzQnaz/W3V8a93+wjieeHMTFoLQWHza9YuNSmkNLu
OTBXV91lTMdU41FQZklG6oWKff1RKUgzW4gfY1fEJgRWcEgyydAoOKKOyVhsA4k2
cg5rb0rvAgMBAAECggEAKPKRJ7D+UhNTTn+PE/9xbSqh1hsvzXevLM1otNgu9o5r
IXgmtKkbKFhMgevRDxZOntG4snFy9M6pkF2UKyQHyRHqrAfhWtOq0SE5EUbAXZ5Y
ugEAhKLRqlRfrmPGCFVOTaHI8MhFG9Bnin9xj3B2APwioGoPb3Lqix86kdwAw0IM
sJpP/4jJxnMZ6KfT9VRpVO3HLUFbm83RCsE2n1axgaKu+BL18jhCjj3A3hOrPITi
Q1FRQqrm8OwfGWRODtCi22PHr7h4qCf1SFm0vhJXp4LXPP5nrgkzK5SdM9bJoEaY
ojDOLR1KLCGQjQLbyTaedwIZWuCL4rdXo9U9TbkAwQKBgQD+J5RakJcx8E8i60kL
p2rZ/+hjE57p/qs1vp0VIneCyVUHflQNTjR76tRDoLnpig6TEmDvMP6tW3MhgvNQ
cLlqn8kbwnCNz+jV15zBAMwbcJFP+8OXzmZGKJqQdgpkLnDZOFUo1/pWTZ/bIUVk
ITx9p1eX7YlnIqysAnvQF69LzwKBgQDBQWIIOkrOEDm7SrnVCsnTdKdLeDOXC0FE
4U7zP44bN8oYbXiXPBXqsf4YBfWUdgR8r3pIDq4BO5ihfkbbb97mzqN/XybUrErf
7SyHy2g8slbcXSOE7zI7JaMqWcz66FSqx4gFmN30bHsOmnJ+q5SKGHhX54QDv8Wg
JFVlkaA24QKBgEzL8uUGydj6Lz9y7yiJVx02WacOd7dnD5720Qpg1tH7OilAf+9h
UTScebVRrLunzs2cARRlrp79giV/JzyIQ063p5Iux8niKA3tz9z1+7bS5eXQQoLt
iDPs8v9x26P38HuCrSDhWjCX1hTl0cz2yguB9FLhIOK8NIbpXTY84eg7AoGBAKzO
9YVb8sY+1hD3aiLqCb2PQ4WFz8QR6WRZgMqdG0qVYZ7kTQAXV5XNYeRDd+0wdySz
mUnT7p7llr9Z9qyEZbLINoVQJZ3pDu8b20T2i5gy9N8KXheh+K3RIw1czaHTnNo1
oBk5L8hANO3DB/zjGuk9pmcce/0KQALKWp5/UN+hAoGBAIsiUYZ/rOgM/vzXnt8F
VJGlOmNoU5SznrHA3zVtfN6RkR0TQxMzvxu66HFPiYXrVVmhcgfM+oxKm/MytvyV
CVko2b45bph1tzdYmLvZTyAjVc80QMVl7KZGR0y4FQE2w/Jke3kdtJCHMcpk2g+m
BnUsBaYJaWO0s+vzDCxQeaDa
-----END PRIVATE KEY-----
"""

# P-256 from a fixed scalar, Ed25519 from a fixed seed, HMAC from a fixed 40-byte secret.
EC_SCALAR = int("3a1f9c2b7d4e6a8c0b5f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566", 16)
ED25519_SEED = bytes(range(32))
HMAC_SECRET = "pyjwt-interop-secret-0123456789-abcdefgh"

CLAIMS = {"sub": "pyjwt-user", "iss": "pyjwt", "iat": 1700000000, "nbf": 1700000000,
          "scope": "read write"}


def debian_version(package):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], check=True,
                              capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "not installed from Debian"


def pem(public_key):
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def main():
    rsa_key = serialization.load_pem_private_key(RSA_PRIVATE_PEM, password=None)
    ec_key = ec.derive_private_key(EC_SCALAR, ec.SECP256R1())
    ed_key = ed25519.Ed25519PrivateKey.from_private_bytes(ED25519_SEED)
    cases = [
        ("HS256", HMAC_SECRET, None, None),
        ("RS256", rsa_key, rsa_key.public_key(), RSAAlgorithm),
        ("PS256", rsa_key, rsa_key.public_key(), RSAAlgorithm),
        ("ES256", ec_key, ec_key.public_key(), ECAlgorithm),
        ("EdDSA", ed_key, ed_key.public_key(), OKPAlgorithm),
    ]
    tokens = []
    for alg, signing_key, public_key, algorithm in cases:
        entry = {"alg": alg, "token": jwt.encode(CLAIMS, signing_key, algorithm=alg,
                                                 headers={"kid": "pyjwt-" + alg.lower()})}
        if public_key is None:
            entry["secret"] = HMAC_SECRET
        else:
            entry["public_pem"] = pem(public_key)
            entry["public_jwk"] = json.loads(algorithm.to_jwk(public_key))
        # PyJWT checks its own token before it is written.
        verify_key = HMAC_SECRET if public_key is None else public_key
        jwt.decode(entry["token"], verify_key, algorithms=[alg])
        tokens.append(entry)
    json.dump({
        "made_by": "tests/unit/auth/vectors/make_pyjwt_tokens.py with PyJWT %s (Debian "
                   "python3-jwt %s) and cryptography %s (python3-cryptography %s)" % (
                       jwt.__version__, debian_version("python3-jwt"), cryptography.__version__,
                       debian_version("python3-cryptography")),
        "claims": CLAIMS,
        "tokens": tokens,
    }, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
