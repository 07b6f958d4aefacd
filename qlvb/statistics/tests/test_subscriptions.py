"""Scheduled reports: made once per period for the person who asked, as they see things (their
secret documents only), ended when they lose the scope, and opened by them alone."""

from __future__ import annotations

import pytest

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.files.services import read_stored
from qlvb.notifications.models import Notification
from qlvb.org import services as org_services
from qlvb.org.models import Post
from qlvb.statistics import subscriptions
from qlvb.statistics.models import ReportDelivery, ReportSubscription
from qlvb.statistics.tests.test_exports import read_table

pytestmark = pytest.mark.django_db

STATISTIC = {"what": "statistic", "kind": "incoming", "every": "week", "format": "xlsx"}


def subscribe(client, org, **data):
    return client.post("/statistics/subscriptions/", {"agency": org.agency.pk, **STATISTIC, **data})


def test_the_job_sends_each_period_once(org, routed, login, later, django_capture_on_commit_callbacks):
    routed()
    client = login(org.clerk)
    assert subscribe(client, org, scope="agency", by="unit").status_code == 302
    subscription = ReportSubscription.objects.get(person=org.clerk)
    assert subscription.params == {"scope": "agency", "agency": str(org.agency.pk), "kind": "incoming",
                                   "by": "unit"}
    assert Event.objects.filter(verb="statistics.subscription_saved").count() == 1
    assert subscriptions.run().sent == 0  # the week has not ended yet
    later(8)  # next week: the week of the document has ended
    with django_capture_on_commit_callbacks(execute=True):
        assert subscriptions.run().sent == 1
        assert subscriptions.run().sent == 0  # run again: nothing new
    delivery = ReportDelivery.objects.get()
    assert delivery.subscription == subscription and delivery.name.endswith(".xlsx")
    _body, total = read_table(read_stored(delivery.stored), "Đơn vị")
    assert total[2] == 1
    event = Event.objects.get(verb="statistics.report_sent")
    assert event.data["recipient"] == org.clerk.pk
    notification = Notification.objects.get(person=org.clerk, kind="stat_report")
    assert notification.url == f"/statistics/subscriptions/files/{delivery.pk}/"
    client = login(org.clerk)  # a week later: signed in again
    response = client.get(notification.url)
    assert response.status_code == 200 and response["Cache-Control"].count("no-store")
    assert login(org.head).get(notification.url).status_code == 404  # the subscriber's alone
    assert "Báo cáo định kỳ của bạn đã sẵn sàng" in client.get("/notifications/").content.decode()


def test_a_secret_document_counts_only_for_a_subscriber_who_may_see_it(org, routed, login, later):
    routed()
    routed(secrecy="mat")  # the head routed it; the deputy never saw it
    for person in (org.head, org.deputy):
        assert subscribe(login(person), org, scope="agency", by="unit").status_code == 302
    later(8)
    assert subscriptions.run().sent == 2
    totals = {d.subscription.person_id: read_table(read_stored(d.stored), "Đơn vị")[1][2]
              for d in ReportDelivery.objects.select_related("subscription", "stored")}
    assert totals == {org.head.pk: 2, org.deputy.pk: 1}


def test_a_subscription_whose_scope_was_lost_ends(org, root, routed, login, later):
    routed()
    assert subscribe(login(org.unit_head), org, scope="unit", unit=str(org.unit.pk), every="month",
                     format="pdf").status_code == 302
    post = Post.objects.get(person=org.unit_head, unit=org.unit)
    org_services.end_post(by=Actor(root), post=post)
    later(40)
    result = subscriptions.run()
    assert (result.sent, result.ended) == (0, 1)
    assert not ReportSubscription.objects.get(person=org.unit_head).active
    assert not ReportDelivery.objects.exists()
    assert Event.objects.get(verb="statistics.subscription_removed").data["reason"] == "scope_lost"


def test_the_periodic_report_by_subscription(org, routed, login, later):
    routed()
    assert subscribe(login(org.clerk), org, what="report", every="quarter", format="pdf").status_code == 302
    later(100)
    assert subscriptions.run().sent == 1
    assert read_stored(ReportDelivery.objects.get().stored).startswith(b"%PDF-")


def test_bad_subscriptions_save_nothing(org, other_org, login):
    specialist = login(org.specialist)
    response = subscribe(specialist, org, what="report", every="quarter")
    assert "Bạn không được xem thống kê của phạm vi này" in response.content.decode()
    response = subscribe(specialist, org, scope="agency")
    assert "Bạn không được xem thống kê của phạm vi này" in response.content.decode()
    response = subscribe(login(org.clerk), org, scope="agency", every="decade")
    assert response.status_code == 200 and not ReportSubscription.objects.exists()
    response = login(org.head).post("/statistics/subscriptions/", {**STATISTIC, "agency": other_org.agency.pk})
    assert response.status_code == 200
    assert not ReportSubscription.objects.exists()
    assert not Event.objects.filter(verb="statistics.subscription_saved").exists()


def test_a_subscriber_cancels(org, login):
    client = login(org.clerk)
    subscribe(client, org, scope="agency")
    subscription = ReportSubscription.objects.get()
    assert login(org.head).post(f"/statistics/subscriptions/{subscription.pk}/remove/").status_code == 404
    assert client.post(f"/statistics/subscriptions/{subscription.pk}/remove/").status_code == 302
    assert not ReportSubscription.objects.get().active
    assert "Bạn chưa đăng ký báo cáo định kỳ nào." in client.get("/statistics/subscriptions/").content.decode()
