import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from carnet.core.errors import ValidationFailed
from carnet.core.uploads import check_document

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("mot.pdf", PDF, "application/pdf"), ("photo.JPG", JPEG, "image/jpeg"), ("scan.png", PNG, "image/png")],
)
def test_accepts_real_documents(name, content, content_type):
    checked = check_document(SimpleUploadedFile(name, content))
    assert checked.content_type == content_type
    assert checked.size == len(content)


def test_refuses_a_file_that_lies_about_its_extension():
    with pytest.raises(ValidationFailed) as caught:
        check_document(SimpleUploadedFile("certificat.pdf", PNG))
    assert "n'est pas ce que dit son extension" in str(caught.value.message)


def test_refuses_other_kinds_and_empty_files():
    with pytest.raises(ValidationFailed) as caught:
        check_document(SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 10))
    assert "PDF, JPEG, PNG ou WebP" in str(caught.value.message)
    with pytest.raises(ValidationFailed):
        check_document(SimpleUploadedFile("vide.pdf", b""))


@override_settings(CARNET_DOCUMENT_MAX_BYTES=1024)
def test_refuses_a_file_too_large():
    with pytest.raises(ValidationFailed) as caught:
        check_document(SimpleUploadedFile("gros.pdf", PDF + b"0" * 2048), field="certificate")
    assert "trop lourd" in str(caught.value.message)
    assert "certificate" in caught.value.details


def test_display_name_is_cleaned():
    checked = check_document(SimpleUploadedFile("../../etc/mot d'excuse.pdf", PDF))
    assert checked.display_name == "mot d_excuse.pdf"
