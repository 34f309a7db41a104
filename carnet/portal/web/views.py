from django.shortcuts import render

from carnet.school.policies import people_visible_to
from carnet.school.roles import roles_of


def home(request):
    roles = roles_of(request.user)
    return render(request, "portal/home.html", {"roles": roles})


def profile(request):
    return render(request, "portal/profile.html", {})


def directory(request):
    query = request.GET.get("q", "").strip()
    people = people_visible_to(request.user).order_by("last_name", "first_name")[:50] if query else []
    return render(request, "portal/directory.html", {"people": people, "query": query})
