(function () {
  var open = document.getElementById('open');
  var qr = document.getElementById('qr');
  var ua = navigator.userAgent;
  function hide(element) {
    if (element) element.hidden = true;
  }
  if (/MicroMessenger/i.test(ua)) {
    var urlLink = document.getElementById('landing').getAttribute('data-url-link');
    hide(qr);
    if (urlLink) {
      open.href = urlLink;
      location.replace(urlLink);
    }
    return;
  }
  var mobile = /Android|iPhone|iPad|iPod|Mobile|HarmonyOS/i.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1);
  if (!mobile) {
    if (qr) hide(open.parentNode);
    return;
  }
  hide(qr);
  location.href = open.href;
  setTimeout(function () {
    if (document.visibilityState === 'visible') document.getElementById('blocked').hidden = false;
  }, 2000);
})();
