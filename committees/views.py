"""The member units' pages (liaisons, chairs, members): thin views over scoping and selectors."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from . import scoping
from .models import Seat


@login_required
def home(request):
    """Where a person lands after login: secretaries and overseers go to the admin, everyone else to their units."""
    scope = scoping.scope_of(request.user)
    if scope.uses_admin and not scope.is_liaison:
        return redirect("admin:index")
    seats = (
        Seat.objects.current()
        .filter(user=request.user)
        .select_related("committee", "unit")
        .order_by("committee__area_code")
    )
    units = scoping.units_for(request.user).order_by("name")
    return render(request, "committees/home.html", {"seats": seats, "units": units, "scope": scope})
