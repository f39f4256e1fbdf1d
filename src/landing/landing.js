(function () {
  var open = document.getElementById('open');
  var qr = document.getElementById('qr');
  var ua = navigator.userAgent;
  function hide(element) {
    if (element) element.hidden = true;
  }
  if (/MicroMessenger/i.test(ua)) {
    // Inside WeChat a scheme opens nothing; a URL Link does (003 §4.2).
    var urlLink = document.getElementById('landing').getAttribute('data-url-link');
    hide(qr);
    if (urlLink) {
      open.href = urlLink;
      location.replace(urlLink);
    }
    return;
  }
  // iPadOS reports a Mac; its touch points tell it apart.
  var mobile = /Android|iPhone|iPad|iPod|Mobile|HarmonyOS/i.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1);
  if (!mobile) {
    // A desktop opens no scheme: the phone scans the code instead.
    if (qr) hide(open.parentNode);
    return;
  }
  hide(qr);
  // One try on load where the browser allows it, never a loop: some browsers
  // jump only on a tap (003 §4.1.6), hence the button and, if the page is
  // still in view a moment later, the hint.
  location.href = open.href;
  setTimeout(function () {
    if (document.visibilityState === 'visible') document.getElementById('blocked').hidden = false;
  }, 2000);
})();
