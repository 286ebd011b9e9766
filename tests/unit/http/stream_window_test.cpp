// The flow control of streamed answers (http/stream_window.hpp): a producer is stopped above
// the mark and resumed once, when half of what waited has reached the socket.
#include "http/stream_window.hpp"

#include <gtest/gtest.h>

namespace apiserver::http {
namespace {

TEST(StreamWindow, StopsAboveTheMarkAndResumesOnceHalfIsWritten) {
  StreamWindow window;
  int resumed = 0;
  window.on_resume([&] { ++resumed; });
  EXPECT_TRUE(window.take(StreamWindow::kMarkBytes - 1));
  EXPECT_TRUE(window.take(10));  // under the mark when asked: taken
  EXPECT_FALSE(window.take(1));  // above it now: the producer stops
  window.written(100);           // still above half
  EXPECT_EQ(resumed, 0);
  window.written(StreamWindow::kMarkBytes / 2);
  EXPECT_EQ(resumed, 1);
  window.written(1000);  // not stopped any more: no second resume
  EXPECT_EQ(resumed, 1);
  EXPECT_TRUE(window.take(1));
}

TEST(StreamWindow, ResumesNothingThatNeverStopped) {
  StreamWindow window;
  int resumed = 0;
  window.on_resume([&] { ++resumed; });
  EXPECT_TRUE(window.take(1000));
  window.written(1000);
  window.written(50);  // more than was taken: counted as nothing left
  EXPECT_EQ(resumed, 0);
}

}  // namespace
}  // namespace apiserver::http
