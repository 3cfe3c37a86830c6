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
    var button = (currentForm() || root).querySelector(".read-aloud");
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
    var form = currentForm();
    return form ? Array.prototype.slice.call(form.querySelectorAll(".choice")) : [];
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
    var speed = (currentForm() || root).querySelector(".scan-speed");
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
    // A question page asked for this way holds its whole section (one request per section).
    var asked = {credentials: "same-origin", headers: {"X-Respond-Section": "1"}};
    return fetch(url, asked).then(function (response) {
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

  function showStored(form, error) {
    say(error.message);
    if (error.stale && error.choice !== null && error.choice !== undefined) {
      var stored = form.querySelector("input[name^=choice][value='" + error.choice + "'], input[name^=item_][value='" + error.choice + "']");
      if (stored) {
        stored.checked = true;
      }
    }
  }

  // --- Sections: the page fetches every question of its section once (one questionnaire's
  // run beside the adult, or in private) and shows one at a time, the others kept in memory
  // with the choices made on them; moving on within the section costs one small save, sent
  // in the background in order. Branching is worked out here from the conditions in the page,
  // and the server, which checks every save again, has the last word: where it names another
  // next question, the page follows it.
  var section = null; // {forms: [every question's form, in order], answeredOutside: number}

  function currentForm() {
    return root.querySelector("form.question");
  }

  function sectionForms() {
    var form = currentForm();
    return section ? section.forms : (form ? [form] : []);
  }

  // A page that came with its section: keep the questions not shown in memory, out of the page.
  function adoptSection() {
    var holder = root.querySelector(".section[data-answered-outside]");
    section = null;
    if (!holder) {
      return;
    }
    var forms = Array.prototype.slice.call(holder.querySelectorAll("form.question"));
    forms.forEach(function (other) {
      if (other.hidden) {
        other.remove();
        other.hidden = false;
      }
    });
    section = {answeredOutside: Number(holder.dataset.answeredOutside), forms: forms};
  }

  function loadSection() {
    var holder = root.querySelector(".section[data-section-url]");
    var form = currentForm();
    if (section || !holder || !form || !window.fetch) {
      return;
    }
    fetch(holder.dataset.sectionUrl, {credentials: "same-origin"})
      .then(function (response) {
        return response.ok && !response.redirected ? response.text() : null;
      })
      .then(function (html) {
        var loaded = html && new DOMParser().parseFromString(html, "text/html").querySelector(".section");
        if (!loaded || currentForm() !== form) {
          return; // this question alone works as it is
        }
        section = {
          answeredOutside: Number(loaded.dataset.answeredOutside),
          forms: Array.prototype.map.call(loaded.querySelectorAll("form.question"), function (other) {
            if (other.dataset.index === form.dataset.index) {
              return form;
            }
            var adopted = document.importNode(other, true);
            adopted.hidden = false;
            return adopted;
          })
        };
      })
      .catch(function () {
        // No connection: this question alone works as it is.
      });
  }

  function valueOf(form) {
    var checked = form.querySelector("input[name=choice]:checked");
    return checked && /^-?[0-9]+$/.test(checked.value) ? Number(checked.value) : null;
  }

  // The same rule as Instrument.is_shown on the server.
  function isAsked(form) {
    if (!form.dataset.showIf) {
      return true;
    }
    var rule = JSON.parse(form.dataset.showIf);
    return rule.items.some(function (item) {
      var source = sectionForms().filter(function (other) {
        return other.dataset.item === item;
      })[0];
      var value = source ? valueOf(source) : rule.known[item];
      if (value === null || value === undefined) {
        return false;
      }
      return (rule.above_lowest && value !== rule.lowest[item]) || rule.codes.indexOf(value) >= 0;
    });
  }

  function nextInSection(form) {
    var later = sectionForms().slice(sectionForms().indexOf(form) + 1);
    for (var i = 0; i < later.length; i++) {
      if (isAsked(later[i])) {
        return later[i];
      }
      // Not asked: the server marks it so; an earlier choice on it no longer counts.
      Array.prototype.forEach.call(later[i].querySelectorAll("input[name=choice]"), function (input) {
        input.checked = false;
      });
    }
    return null;
  }

  function previousInSection(form) {
    var earlier = sectionForms().slice(0, sectionForms().indexOf(form)).reverse();
    for (var i = 0; i < earlier.length; i++) {
      if (isAsked(earlier[i])) {
        return earlier[i];
      }
    }
    return null;
  }

  function updateProgress(form) {
    var bar = root.querySelector(".progress");
    if (!bar || !section) {
      return; // the page's own bar is right for its own question
    }
    var answered = section.answeredOutside + sectionForms().filter(function (other) {
      return other.hasAttribute("data-step") && other.querySelector("input[name=choice]:checked");
    }).length;
    var position = Number(form.dataset.position);
    Array.prototype.forEach.call(bar.children, function (step, i) {
      step.classList.toggle("progress__step--done", i < answered);
      step.classList.toggle("progress__step--current", i === position);
    });
  }

  function showForm(form, push) {
    var current = currentForm();
    if (current !== form) {
      current.replaceWith(form);
    }
    var dash = document.title.indexOf(" – ");
    document.title = form.dataset.title + (dash >= 0 ? document.title.slice(dash) : "");
    updateProgress(form);
    if (push) {
      window.history.replaceState({respond: true}, "", window.location.href);
      window.history.pushState({respond: true}, "", form.getAttribute("action"));
    }
    enhanceQuestion();
  }

  function formFor(path) {
    return sectionForms().filter(function (form) {
      return form.getAttribute("action") === path;
    })[0];
  }

  var saving = Promise.resolve();
  var pending = 0;
  var lastNext = null;
  var refused = false;

  // Send a save after those before it; ``expected`` is the question the page moved on to.
  function queueSave(form, body, expected) {
    pending += 1;
    refused = false;
    say(message("saving"));
    saving = saving
      .then(function () {
        return untilOnline(function () {
          return post(root.dataset.answerUrl, body, 0);
        });
      })
      .then(
        function (data) {
          lastNext = data.next;
          if (expected && currentForm() === expected && data.next !== expected.getAttribute("action")) {
            show(data.next, true); // the server asks something else next: follow it
          }
        },
        function (error) {
          refused = true;
          if (error.message !== "session") {
            showForm(form, true);
            showStored(form, error);
          }
        }
      )
      .then(function () {
        pending -= 1;
        if (!pending && !refused) {
          say(message("saved"));
        }
      });
    return saving;
  }

  function submitQuestion(form, event) {
    var checked = form.querySelector("input[name=choice]:checked");
    if (!checked || !window.fetch) {
      return; // the server shows the message, or takes the form the ordinary way
    }
    event.preventDefault();
    var next = nextInSection(form);
    var body = {index: Number(form.dataset.index), choice: checked.value, seq: nextSeq()};
    var saved = queueSave(form, body, next);
    if (next) {
      showForm(next, true);
      return;
    }
    // The end of the section: once every save is in, the server says where to go.
    saved.then(function () {
      if (!refused && !pending && lastNext) {
        untilOnline(function () {
          return show(lastNext, true);
        });
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

  function enhanceQuestion() {
    stopReading();
    var heading = (currentForm() || root).querySelector("h1");
    if (heading) {
      heading.focus();
    }
    setUpReadAloud();
    startScanning();
    resetIdle();
  }

  function enhancePage(arrived) {
    resetSequence(arrived);
    adoptSection();
    enhanceQuestion();
    loadSection();
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
    var form = currentForm();
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
      var back = form.querySelector(".back-link");
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
      var form = formFor(window.location.pathname);
      if (form) {
        showForm(form, false);
      } else {
        show(window.location.href, false);
      }
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.back-link");
    if (link && window.fetch && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      var previous = previousInSection(link.closest("form.question"));
      if (previous) {
        showForm(previous, true);
      } else {
        show(link.href, true);
      }
    }
  });

  window.addEventListener("hashchange", prefillCode);
  prefillCode();
  enhancePage();
  Array.prototype.forEach.call(document.querySelectorAll("form.staff-form"), updateConditions);
})();
