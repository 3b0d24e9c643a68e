def membership(request):
    user = getattr(request, "user", None)
    member = getattr(user, "membership", None) if user and user.is_authenticated else None
    return {"membership": member, "role": member.role if member else None}
