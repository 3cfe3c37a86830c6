// Enhancements of the respondent pages. Every page works without this file.
// Nothing about the respondent (code, answers) is written to localStorage, sessionStorage,
// IndexedDB or cookies: a pending answer lives in memory only, until the server has it.
(function () {
  "use strict";

  var root = document.getElementById("respond-root");
  if (!root) {
    return;
  }
  var RETRIES = 3;
  var scanTimer = null;
  var scanDelay = Number(root.dataset.scanInterval) || 1500;
  var idleTimer = null;

  function message(name) {
    return root.dataset["msg" + name.charAt(0).toUpperCase() + name.slice(1)] || "";
  }

  function say(text) {
    var status = document.getElementById("save-status"); // each page brings its own
    if (status) {
      status.textContent = text;
    }
  }

  // --- Code page: take the code from the card's QR link (#code=...), then drop it from the address.
  function prefillCode() {
    var input = document.querySelector(".code-input");
    var match = window.location.hash.match(/code=([A-Za-z0-9-]+)/);
    if (input && match) {
      input.value = match[1];
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
  }

  // --- Idle pause: a shared tablet returns to the code page after a while without input.
  function resetIdle() {
    var form = document.getElementById("pause-form");
    var seconds = Number(root.dataset.idleSeconds);
    window.clearTimeout(idleTimer);
    if (!form || !seconds) {
      return;
    }
    idleTimer = window.setTimeout(function () {
      form.elements.idle.value = "1";
      form.submit();
    }, seconds * 1000);
  }

  // --- Read aloud: every part of the page marked data-read-target, one after the other, each
  // highlighted while it is read. A recorded file (data-audio) is preferred to the device's
  // voice; "brief" reading leaves out the parts marked data-read-target="extra".
  var readGeneration = 0;
  var playing = null;

  function stopReading() {
    readGeneration += 1;
    if (window.speechSynthesis) {
      window.speechSynthesis.cancel();
    }
    if (playing) {
      playing.pause();
      playing = null;
    }
    Array.prototype.forEach.call(document.querySelectorAll(".is-reading"), function (part) {
      part.classList.remove("is-reading");
    });
  }

  function speak(text, done) {
    if (!window.speechSynthesis) {
      done();
      return;
    }
    var lang = document.documentElement.lang;
    var voices = window.speechSynthesis.getVoices().filter(function (voice) {
      return voice.lang && voice.lang.toLowerCase().indexOf(lang) === 0;
    });
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = lang === "da" ? "da-DK" : "en-GB";
    if (voices.length) {
      utterance.voice = voices[0];
    }
    utterance.onend = done;
    utterance.onerror = done;
    window.speechSynthesis.speak(utterance);
  }

  function play(url, text, done) {
    var audio = new Audio(url);
    var settled = false;
    function once(next) {
      if (!settled) {
        settled = true;
        next();
      }
    }
    playing = audio;
    audio.onended = function () {
      once(done);
    };
    audio.onerror = function () {
      once(function () {
        speak(text, done);
      });
    };
    var started = audio.play();
    if (started && started.catch) {
      started.catch(function () {
        once(function () {
          speak(text, done);
        });
      });
    }
  }

  function textOf(part) {
    // A choice is read by its label only, not by the number key beside it.
    var label = part.querySelector(".choice__label");
    return (label || part).textContent.trim().replace(/\s+/g, " ");
  }

  function readOne(part, done) {
    part.classList.add("is-reading");
    function finished() {
      part.classList.remove("is-reading");
      done();
    }
    if (part.dataset.audio) {
      play(part.dataset.audio, textOf(part), finished);
    } else {
      speak(textOf(part), finished);
    }
  }

  function readParts(parts) {
    stopReading();
    var mine = readGeneration;
    var next = 0;
    (function step() {
      if (mine === readGeneration && next < parts.length) {
        readOne(parts[next++], step);
      }
    })();
  }

  function readTargets() {
    var brief = root.dataset.readBrief === "1";
    return Array.prototype.slice.call(root.querySelectorAll("[data-read-target]")).filter(function (part) {
      return isShown(part) && !(brief && part.dataset.readTarget === "extra");
    });
  }

  function isShown(element) {
    return !element.closest("[hidden]") && element.getClientRects().length > 0;
  }

  function setUpReadAloud() {
    var button = root.querySelector(".read-aloud");
    if (!button || !readTargets().length) {
      return;
    }
    button.hidden = false;
    if (root.dataset.readAloud === "1") {
      readParts(readTargets());
    }
  }

  // --- Switch scanning: every control lights up in turn, from the first answer choice; Space
  // moves on, Enter chooses or presses. With scan_aloud the lit control is said aloud.
  function choices() {
    return Array.prototype.slice.call(root.querySelectorAll(".question .choice"));
  }

  function scanItems() {
    return Array.prototype.slice.call(root.querySelectorAll(".choice, a[href], button")).filter(isShown);
  }

  function scanTo(index) {
    var all = scanItems();
    all.forEach(function (item) {
      item.classList.remove("is-scanned");
    });
    if (all.length) {
      var current = all[(index + all.length) % all.length];
      current.classList.add("is-scanned");
      (current.querySelector("input") || current).focus();
      if (root.dataset.scanAloud === "1") {
        readParts([current]);
      }
    }
  }

  function scannedIndex() {
    return scanItems().findIndex(function (item) {
      return item.classList.contains("is-scanned");
    });
  }

  function startScanning() {
    window.clearInterval(scanTimer);
    var all = scanItems();
    if (root.dataset.scanning !== "1" || !all.length) {
      return;
    }
    var speed = root.querySelector(".scan-speed");
    if (speed) {
      speed.hidden = false;
    }
    var first = choices()[0];
    scanTo(first ? scanItems().indexOf(first) : 0);
    startTimer();
  }

  function startTimer() {
    window.clearInterval(scanTimer);
    scanTimer = window.setInterval(function () {
      scanTo(scannedIndex() + 1);
    }, scanDelay);
  }

  // --- Saving in the background, then showing the next page without a full reload.
  // Saves are ordered by the server's clock at page load plus the time since (monotonic), so
  // a tablet whose clock is wrong orders its saves like everyone else.
  var seqBase = 0;
  var seqStart = 0;

  // The base is the server's clock when it made the page; count from when the page arrived.
  function resetSequence(arrived) {
    var navigation = window.performance.getEntriesByType ? window.performance.getEntriesByType("navigation")[0] : null;
    seqBase = Number(root.dataset.seqBase) || 0;
    seqStart = arrived !== undefined ? arrived : (navigation ? navigation.responseStart : window.performance.now());
  }

  function nextSeq() {
    return seqBase + 1 + Math.round(window.performance.now() - seqStart);
  }

  function post(url, body, attempt) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf, Accept: "application/json"},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.status === 400 && data.error === "csrf" && attempt < RETRIES) {
          root.dataset.csrf = data.token;
          return post(url, body, attempt + 1);
        }
        if (response.status === 401) {
          say(message("session"));
          window.location.assign(data.redirect);
          throw new Error("session");
        }
        if (!response.ok) {
          var error = new Error(data.message || "refused");
          error.refused = true;
          error.stale = Boolean(data.stale);
          error.choice = data.choice;
          throw error;
        }
        return data;
      });
    });
  }

  // Without a connection the page stays as it is and tries again when the connection is
  // back (or every few seconds): never the browser's error page, never browser storage.
  function untilOnline(attempt) {
    return attempt().catch(function (error) {
      if (error.refused || error.message === "session") {
        throw error;
      }
      say(message("offline"));
      return new Promise(function (resolve) {
        var timer = window.setTimeout(resolve, 3000);
        window.addEventListener("online", function () {
          window.clearTimeout(timer);
          resolve();
        }, {once: true});
      }).then(function () {
        return untilOnline(attempt);
      });
    });
  }

  function show(url, push) {
    return fetch(url, {credentials: "same-origin"}).then(function (response) {
      var arrived = window.performance.now();
      if (!response.ok || response.redirected) {
        window.location.assign(response.url || url);
        return;
      }
      return response.text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var next = page.getElementById("respond-root");
        if (!next) {
          window.location.assign(url);
          return;
        }
        root.innerHTML = next.innerHTML;
        Object.keys(next.dataset).forEach(function (key) {
          root.dataset[key] = next.dataset[key];
        });
        document.title = page.title;
        document.body.className = page.body.className;
        if (push) {
          window.history.replaceState({respond: true}, "", window.location.href);
          window.history.pushState({respond: true}, "", url);
        }
        enhancePage(arrived);
      });
    });
  }

  var generation = 0;

  function showStored(form, error) {
    say(error.message);
    if (error.stale && error.choice !== null && error.choice !== undefined) {
      var stored = form.querySelector("input[name^=choice][value='" + error.choice + "'], input[name^=item_][value='" + error.choice + "']");
      if (stored) {
        stored.checked = true;
      }
    }
  }

  function submitQuestion(form, event) {
    var checked = form.querySelector("input[name=choice]:checked");
    if (!checked || !window.fetch) {
      return; // the server shows the message, or takes the form the ordinary way
    }
    event.preventDefault();
    say(message("saving"));
    var mine = ++generation;
    var body = {index: Number(form.dataset.index), choice: checked.value, seq: nextSeq()};
    untilOnline(function () {
      return post(root.dataset.answerUrl, body, 0);
    })
      .then(function (data) {
        if (mine !== generation) {
          return; // a later answer on this page is on its way
        }
        say(message("saved"));
        return untilOnline(function () {
          return show(data.next, true);
        });
      })
      .catch(function (error) {
        if (error.message !== "session") {
          showStored(form, error);
        }
      });
  }

  function saveStaffChoice(input) {
    var fieldset = input.closest("fieldset");
    var body = {index: Number(fieldset.dataset.index), choice: input.value, seq: nextSeq(), advance: false};
    say(message("saving"));
    untilOnline(function () {
      return post(root.dataset.answerUrl, body, 0);
    }).then(
      function () {
        say(message("saved"));
      },
      function (error) {
        if (error.message !== "session") {
          showStored(fieldset, error);
        }
      }
    );
    updateConditions(input.form);
  }

  function updateConditions(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-show-if]"), function (fieldset) {
      var source = form.querySelector("[name=item_" + fieldset.dataset.showIf + "]:checked");
      var codes = fieldset.dataset.showIfCodes.split(",");
      fieldset.hidden = !(source && codes.indexOf(source.value) >= 0);
    });
  }

  function enhancePage(arrived) {
    stopReading();
    resetSequence(arrived);
    var heading = root.querySelector("h1");
    if (heading) {
      heading.focus();
    }
    setUpReadAloud();
    startScanning();
    resetIdle();
  }

  // --- Events, delegated so they survive page swaps.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList && form.classList.contains("question")) {
      submitQuestion(form, event);
    }
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.form && input.form.classList.contains("staff-form") && input.type === "radio") {
      saveStaffChoice(input);
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) {
      return;
    }
    if (button.classList.contains("read-aloud")) {
      readParts(readTargets());
    } else if (button.dataset.scan === "slower") {
      scanDelay = Math.min(scanDelay + 500, 5000);
      startTimer();
    } else if (button.dataset.scan === "faster") {
      scanDelay = Math.max(scanDelay - 500, 500);
      startTimer();
    }
  });

  document.addEventListener("keydown", function (event) {
    resetIdle();
    var form = root.querySelector("form.question");
    if (root.dataset.scanning === "1" && (event.key === " " || event.key === "Enter")) {
      var index = scannedIndex();
      if (event.key === " ") {
        event.preventDefault();
        scanTo(index + 1);
        startTimer(); // stepping by hand starts the wait for the next light anew
      } else if (form && index >= 0 && event.target.closest(".question .choice")) {
        event.preventDefault();
        scanItems()[index].querySelector("input").checked = true;
        form.requestSubmit();
      }
      return; // Enter on a lit button or link presses it, as usual
    }
    if (!form) {
      return;
    }
    var typing = event.target.matches && event.target.matches("input[type=text], textarea");
    if (!typing && /^[1-9]$/.test(event.key) && !event.altKey && !event.ctrlKey && !event.metaKey) {
      var choice = form.querySelector('.choice[data-key="' + event.key + '"] input');
      if (choice) {
        choice.checked = true;
        choice.focus();
      }
    } else if (event.key === "Enter" && event.target.matches && event.target.matches("input[type=radio]")) {
      event.preventDefault();
      form.requestSubmit();
    } else if ((event.key === "Backspace" && !typing) || (event.key === "ArrowLeft" && event.altKey)) {
      var back = document.getElementById("back-link");
      if (back) {
        event.preventDefault();
        back.click();
      }
    }
  });

  ["pointerdown", "touchstart"].forEach(function (name) {
    document.addEventListener(name, resetIdle, {passive: true});
  });

  window.addEventListener("popstate", function (event) {
    // Only entries this script pushed; a change of the #fragment fires popstate too.
    if (event.state && event.state.respond) {
      show(window.location.href, false);
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a#back-link");
    if (link && window.fetch && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      show(link.href, true);
    }
  });

  window.addEventListener("hashchange", prefillCode);
  prefillCode();
  enhancePage();
  Array.prototype.forEach.call(document.querySelectorAll("form.staff-form"), updateConditions);
})();
