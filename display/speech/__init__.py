"""Spoken announcements for the hall display: words, sound files, synthesis and voice packs.

When a counter calls a ticket the display plays a chime and then a sentence such as
"Nomor antrean A007, silakan menuju Loket 3". This package knows how to say that
sentence and leaves URLs and HTTP to the display's announcer and routes (it imports no
Flask). One module per concern:

* `words`: reading numbers, letters and names the Indonesian (``"id"``) or English
  (``"en"``) way;
* `sentence`: the sentence of a `Call`, full or short, with its floor (text, voice-pack
  tokens, espeak-ng input), and the tokens a voice pack must hold;
* `wav`: writing, trimming and resampling 16-bit WAVs, and the chime;
* `synthesizer`: `Synthesizer`, which caches one WAV per sentence, spoken by espeak-ng in
  a separate program (`synth`, with the ctypes binding `espeak`; GPL-3.0-or-later like
  espeak-ng, and never imported by the server);
* `voicepack`: recorded voice packs (`VoicePack`, `build_voice_pack`);
* `cli`: ``python -m display.speech announce|build-pack|chime``.

The names below are the package's public interface, so ``from display.speech import
VoicePack, required_tokens`` works as the docs show.
"""

from display.speech.sentence import (
    Call,
    announcement_speech,
    announcement_text,
    announcement_tokens,
    required_tokens,
    vocabulary,
)
from display.speech.synthesizer import SpeechError, Synthesizer
from display.speech.voicepack import MissingTokensError, VoicePack, VoicePackError, build_voice_pack
from display.speech.wav import chime_wav, resample, trim_silence, write_wav
from display.speech.words import (
    LANGS,
    NUMBER_STYLES,
    counter_tokens,
    letter_name,
    number_words,
    number_words_en,
    number_words_id,
    read_number,
    split_ticket_number,
    ticket_tokens,
    token_speech,
)

__all__ = [
    "LANGS", "NUMBER_STYLES", "Call", "MissingTokensError", "SpeechError", "Synthesizer", "VoicePack",
    "VoicePackError", "announcement_speech", "announcement_text", "announcement_tokens", "build_voice_pack",
    "chime_wav", "counter_tokens", "letter_name", "number_words", "number_words_en", "number_words_id",
    "read_number", "required_tokens", "resample", "split_ticket_number", "ticket_tokens", "token_speech",
    "trim_silence", "vocabulary", "write_wav",
]
