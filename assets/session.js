// When the session has ended (SESSION_HOURS after sign-in, a sign-out in another tab, a
// disabled account), the server answers the page's callbacks with 401. Rather than leave a
// page that silently stops changing, go to the sign-in page, which brings the user back here.
(function () {
    "use strict";
    const fetchFirst = window.fetch.bind(window);
    window.fetch = function (resource, options) {
        return fetchFirst(resource, options).then(function (response) {
            const url = typeof resource === "string" ? resource : (resource && resource.url) || "";
            if (response.status === 401 && url.indexOf("/_dash-") !== -1) {
                const here = window.location.pathname + window.location.search;
                window.location.assign("/sign-in?next=" + encodeURIComponent(here));
            }
            return response;
        });
    };
})();
