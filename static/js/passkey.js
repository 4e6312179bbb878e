// After a passkey is registered, go where the server says (the library's
// script announces success with an event but stays on the page).
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const target = event.detail && event.detail.response && event.detail.response.redirect_url;
  if (target && target.startsWith("/")) {
    window.location.assign(target);
  }
});
