"""Passwords are hashed with Argon2id; a hash made with PBKDF2 still signs its user in and is replaced by an
Argon2 hash at that sign-in. The suite puts a fast hasher first (settings, TESTING): these tests use the
installation's own list without it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import check_password, make_password
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

INSTALLATION_HASHERS = [name for name in settings.PASSWORD_HASHERS if not name.endswith("MD5PasswordHasher")]


def test_the_installation_hashes_with_argon2id_and_still_reads_pbkdf2() -> None:
    assert INSTALLATION_HASHERS == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    with override_settings(PASSWORD_HASHERS=INSTALLATION_HASHERS):
        encoded = make_password("ett långt lösenord")

        assert encoded.startswith("argon2$argon2id$")
        assert check_password("ett långt lösenord", encoded)
        assert not check_password("ett annat lösenord", encoded)


def test_a_pbkdf2_password_signs_in_and_is_rehashed_with_argon2() -> None:
    user = make_user("gammal-hash")
    with override_settings(PASSWORD_HASHERS=INSTALLATION_HASHERS):
        user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])
        client = Client()

        response = client.post(reverse("login"), {"username": "gammal-hash", "password": PASSWORD})

        assert response.status_code == 302
        assert SESSION_KEY in client.session
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$")
        assert check_password(PASSWORD, user.password)


def test_a_wrong_password_leaves_the_old_hash_alone() -> None:
    user = make_user("gammal-hash-fel")
    with override_settings(PASSWORD_HASHERS=INSTALLATION_HASHERS):
        user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])
        before = user.password

        response = Client().post(
            reverse("login"), {"username": "gammal-hash-fel", "password": "fel lösenord"}
        )

        assert response.status_code == 200
        user.refresh_from_db()
        assert user.password == before
