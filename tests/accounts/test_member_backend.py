"""The signed-in user as every request reads them: with their membership and clinic, in one
query (on PostgreSQL by SQL of its own: these tests run on both databases)."""

from django.contrib.auth import get_user_model

from screening.accounts.backends import MemberBackend
from tests.conftest import make_member


def test_it_reads_the_user_with_their_membership_and_clinic_in_one_query(
    clinic, django_assert_num_queries
):
    practitioner = make_member(clinic, "practitioner")
    with django_assert_num_queries(1):
        user = MemberBackend().get_user(practitioner.pk)
        member = user.membership
        assert (user.username, member.role, member.clinic.name) == (
            practitioner.username,
            "practitioner",
            clinic.name,
        )
        assert member.user is user and user.date_joined == practitioner.date_joined
        assert member.clinic.created_at == clinic.created_at
        assert user.check_password("x") is False and user.is_active


def test_a_user_without_a_membership_is_read_as_one(db, django_assert_num_queries):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    with django_assert_num_queries(1):
        user = MemberBackend().get_user(root.pk)
        assert user == root and user.is_superuser
        assert getattr(user, "membership", None) is None


def test_no_user_is_read_for_an_unknown_or_inactive_id(clinic):
    practitioner = make_member(clinic, "practitioner")
    assert MemberBackend().get_user(practitioner.pk + 1000) is None
    practitioner.is_active = False
    practitioner.save()
    assert MemberBackend().get_user(practitioner.pk) is None
