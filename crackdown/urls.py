app_name = "crackdown"
urlpatterns = []
