"""Moving and understanding audio: AudioSocket legs, the pacer, the endpointer, STT and TTS."""
